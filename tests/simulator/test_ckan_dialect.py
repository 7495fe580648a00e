"""The simulated CKAN portal answers the action API in CKAN's own shapes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from simulator.dialects import ckan
from simulator.directory import load_opds
from simulator.seed import OpdSeed, seed_opd

SEEDS = [seed_opd(opd) for opd in load_opds()[:2]]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=Starlette(routes=ckan.routes(*SEEDS)))
    async with httpx.AsyncClient(transport=transport, base_url="https://satudata.example") as test:
        yield test


async def search(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/3/action/package_search", params=params)
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["help"].endswith("help_show?name=package_search")
    return body["result"]  # type: ignore[no-any-return]


async def every_package(client: httpx.AsyncClient, seed: OpdSeed) -> list[dict[str, Any]]:
    packages: list[dict[str, Any]] = (
        await search(client, fq=f"organization:{seed.opd.slug}", rows=1000, sort="name asc")
    )["results"]
    return packages


async def test_search_answers_the_documented_envelope(client: httpx.AsyncClient) -> None:
    result = await search(client)
    assert set(result) >= {"count", "results", "facets", "sort"}
    assert result["count"] == len(ckan.portal_packages(SEEDS))
    assert len(result["results"]) == 10  # CKAN's default rows
    package = result["results"][0]
    assert set(package) >= {"id", "name", "title", "notes", "metadata_created", "metadata_modified"}
    assert set(package) >= {"organization", "tags", "groups", "resources", "extras"}
    resource = package["resources"][0]
    assert set(resource) >= {"id", "name", "description", "format", "mimetype", "url", "size", "created"}
    assert set(resource) >= {"last_modified"}
    for stamp in (package["metadata_created"], resource["created"]):
        assert dt.datetime.fromisoformat(stamp).tzinfo is None  # UTC without a suffix, as CKAN writes it


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: s.opd.slug)
async def test_every_document_is_one_resource_of_its_organization(
    client: httpx.AsyncClient, seed: OpdSeed
) -> None:
    packages = await every_package(client, seed)
    assert all(p["organization"]["name"] == seed.opd.slug for p in packages)
    titles = Counter(r["name"] for p in packages for r in p["resources"])
    assert titles == Counter(doc.title for doc in seed.documents)
    assert len({r["id"] for p in packages for r in p["resources"]}) == len(seed.documents)


async def test_start_rows_and_sort_page_the_packages(client: httpx.AsyncClient) -> None:
    names = [p["name"] for p in (await search(client, rows=1000, sort="name asc"))["results"]]
    assert names == sorted(names)
    pages = [
        p["name"]
        for start in range(0, len(names), 7)
        for p in (await search(client, start=start, rows=7, sort="name asc"))["results"]
    ]
    assert pages == names
    newest = (await search(client, rows=1000, sort="metadata_modified desc"))["results"]
    stamps = [p["metadata_modified"] for p in newest]
    assert stamps == sorted(stamps, reverse=True)


async def test_fq_ranges_and_q_filter_packages(client: httpx.AsyncClient) -> None:
    seed = SEEDS[0]
    everything = await every_package(client, seed)
    fq = f"organization:{seed.opd.slug} AND metadata_created:[2024-01-01T00:00:00Z TO 2025-01-01T00:00:00Z}}"
    in_2024 = (await search(client, fq=fq, rows=1000))["results"]
    assert {p["name"] for p in in_2024} == {
        p["name"] for p in everything if p["metadata_created"][:4] == "2024"
    }
    tagged = (await search(client, fq='tags:"informasi-berkala"', rows=1000))["results"]
    assert tagged and all(any(t["name"] == "informasi-berkala" for t in p["tags"]) for p in tagged)
    found = (await search(client, q="LAPORAN", rows=1000))["results"]
    assert found and all("laporan" in str(p).lower() for p in found)
    assert (await search(client, q="kata-yang-tidak-ada"))["count"] == 0


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        ("/api/3/action/package_search?rows=ten", 409, "Validation Error"),
        ("/api/3/action/package_search?fq=owner:%22x%22", 409, "Search Query Error"),
        ("/api/3/action/package_search?sort=random", 409, "Search Query Error"),
        ("/api/3/action/package_show?id=no-such-package", 404, "Not Found Error"),
        ("/api/3/action/package_show", 409, "Validation Error"),
        ("/api/3/action/organization_show?id=no-such-org", 404, "Not Found Error"),
        ("/api/3/action/package_delete?id=x", 400, "Bad Request"),
    ],
)
async def test_failures_answer_the_error_envelope(
    client: httpx.AsyncClient, path: str, status: int, kind: str
) -> None:
    response = await client.get(path)
    assert response.status_code == status
    body = response.json()
    assert body["success"] is False and "result" not in body
    assert body["error"]["__type"] == kind


async def test_show_actions_find_by_name_and_id(client: httpx.AsyncClient) -> None:
    package = (await every_package(client, SEEDS[1]))[0]
    for key in (package["name"], package["id"]):
        shown = (await client.get("/api/3/action/package_show", params={"id": key})).json()["result"]
        assert shown == package
    org = (await client.get("/api/3/action/organization_show", params={"id": SEEDS[1].opd.slug})).json()[
        "result"
    ]
    assert org["title"] == SEEDS[1].opd.name and org["description"] == SEEDS[1].profile.description
    assert org["package_count"] == len(await every_package(client, SEEDS[1]))
