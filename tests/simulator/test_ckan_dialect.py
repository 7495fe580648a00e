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
from simulator.seed import SEED_NOW, OpdSeed, seed_opd

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


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: s.opd.slug)
async def test_a_package_holds_one_years_documents_and_names_the_year(
    client: httpx.AsyncClient, seed: OpdSeed
) -> None:
    by_id = {ckan.resource_id(seed, doc): doc for doc in seed.documents}
    for package in await every_package(client, seed):
        extras = {extra["key"]: extra["value"] for extra in package["extras"]}
        years = {by_id[r["id"]].year for r in package["resources"]}
        assert len(years) == 1
        (year,) = years
        if year is None:
            assert ckan.YEAR_EXTRA not in extras
        else:
            assert extras[ckan.YEAR_EXTRA] == str(year)
            assert str(year) in package["name"] and f" {year} (" in package["title"]
        types = {by_id[r["id"]].type for r in package["resources"]}
        assert types == {extras.get(ckan.TYPE_EXTRA)}
        moments = [by_id[r["id"]].published_at for r in package["resources"]]
        first = min((m for m in moments if m is not None), default=SEED_NOW)  # not necessarily in its year
        assert package["metadata_created"] == first.astimezone(dt.UTC).replace(tzinfo=None).isoformat()


def test_documents_without_a_year_share_a_package_without_the_extra() -> None:
    seed = SEEDS[0]
    undated = [p for p in ckan.portal_packages([seed]) if p.year is None]
    assert undated and all(ckan.YEAR_EXTRA not in p.extras for p in undated)
    assert sum(len(p.documents) for p in undated) == sum(1 for d in seed.documents if d.year is None)
    assert {d.year for d in ckan.served_documents(seed)} == {d.year for d in seed.documents}


@pytest.mark.parametrize(
    ("bounds", "low", "high"),
    [
        ("[2023 TO 2025]", 2023, 2025),
        ("{2023 TO 2025}", 2024, 2024),
        ("[2023 TO 2025}", 2023, 2024),
        ("[* TO 2021]", None, 2021),
        ("[2025 TO *]", 2025, None),
        ("[* TO *]", None, None),
    ],
)
async def test_fq_filters_on_the_year_extra_as_ckan_indexes_it(
    client: httpx.AsyncClient, bounds: str, low: int | None, high: int | None
) -> None:
    fq = f"extras_{ckan.YEAR_EXTRA}:{bounds}"
    found = {p["name"] for p in (await search(client, fq=fq, rows=1000))["results"]}
    wanted = {
        p.name
        for p in ckan.portal_packages(SEEDS)
        if p.year is not None and (low is None or p.year >= low) and (high is None or p.year <= high)
    }
    assert wanted and found == wanted  # a package without the extra never matches, even [* TO *]
    typed = f'organization:{SEEDS[0].opd.slug} AND extras_{ckan.TYPE_EXTRA}:"Laporan" AND {fq}'
    narrowed = (await search(client, fq=typed, rows=1000))["results"]
    assert {p["name"] for p in narrowed} == {
        p.name for p in ckan.portal_packages(SEEDS[:1]) if p.type == "Laporan" and p.name in wanted
    }


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        ("/api/3/action/package_search?rows=ten", 409, "Validation Error"),
        ("/api/3/action/package_search?fq=owner:%22x%22", 409, "Search Query Error"),
        ("/api/3/action/package_search?fq=extras_tahun:[dua%20TO%202025]", 409, "Search Query Error"),
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
