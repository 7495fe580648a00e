"""The ckan connector reads a simulated Satu Data: resources as documents, exact pages, typed errors."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from starlette.applications import Starlette

from connectors import (
    Capability,
    ConnectorConfigError,
    DocumentFilter,
    DocumentQuery,
    InformationCategory,
    InvalidToken,
    OpdRef,
    UpstreamBadResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.ckan import CkanConnector, CkanSettings
from connectors.filtering import document_matches
from connectors.records import Document
from simulator.dialects import ckan as portal
from simulator.directory import load_opds
from simulator.seed import OpdSeed, seed_opd

BASE = "https://satudata.bantenprov.go.id"
SLUGS = ("bkd", "bpbd", "bappeda")
SEEDS: dict[str, OpdSeed] = {opd.slug: seed_opd(opd) for opd in load_opds() if opd.slug in SLUGS}
Make = Callable[..., CkanConnector]


class Recording(httpx.AsyncBaseTransport):
    """Serves the simulated portal and keeps every request it saw."""

    def __init__(self, app: Starlette) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def transport() -> Recording:
    return Recording(Starlette(routes=portal.routes(*SEEDS.values())))


@pytest.fixture
async def client(transport: Recording) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=transport) as http:
        yield http


def settings_for(organization: str, **overrides: Any) -> CkanSettings:
    block = portal.connector_block(BASE, organization)
    del block["kind"]
    return CkanSettings.model_validate({**block, **overrides})


@pytest.fixture
def make(client: httpx.AsyncClient) -> Make:
    def build(organization: str = "bkd", **overrides: Any) -> CkanConnector:
        return CkanConnector(
            OpdRef(slug=organization, name=organization), settings_for(organization, **overrides), client
        )

    return build


def expected_ids(slug: str) -> list[str]:
    """The local ids the portal should yield for ``slug``: packages by name, resources in order."""
    seed = SEEDS[slug]
    packages = sorted((p for p in portal.portal_packages([seed])), key=lambda p: p.name)
    return [f"{p.name}/{portal.resource_id(seed, doc)}" for p in packages for doc in p.documents]


async def read_all(
    connector: CkanConnector, flt: DocumentFilter | None = None, sizes: Callable[[], int] = lambda: 50
) -> list[Document]:
    documents: list[Document] = []
    token: str | None = None
    while True:
        size = sizes()
        page = await connector.list_documents(
            DocumentQuery(filter=flt or DocumentFilter(), page_size=size, token=token)
        )
        assert len(page.items) <= size
        if page.next_token is not None:
            assert len(page.items) == size  # only the last page is short
        documents.extend(page.items)
        if page.next_token is None:
            return documents
        token = page.next_token


# --- settings ---------------------------------------------------------------------------------------


def test_settings_defaults_and_validation() -> None:
    settings = CkanSettings.model_validate({"base_url": BASE, "organization": "dinas-kesehatan"})
    assert settings.categories.default is InformationCategory.SETIAP_SAAT
    assert settings.rows == 100 and settings.search_upstream and settings.api_token_env is None
    assert settings.year_extra is None  # configs without it keep the metadata_created year
    with pytest.raises(ValidationError, match="not a CKAN organization name"):
        CkanSettings.model_validate({"base_url": BASE, "organization": "Dinas Kesehatan"})
    with pytest.raises(ValidationError):
        CkanSettings.model_validate({"base_url": BASE, "organization": "dinkes", "rows": 0})
    with pytest.raises(ValidationError):
        CkanSettings.model_validate({"base_url": BASE, "organization": "dinkes", "api_token": "secret"})
    with pytest.raises(ValidationError):
        CkanSettings.model_validate({"base_url": "not a url", "organization": "dinkes"})
    with pytest.raises(ValidationError):
        CkanSettings.model_validate(
            {"base_url": BASE, "organization": "dinkes", "categories": {"default": "RAHASIA"}}
        )


def test_the_dialect_block_names_the_connector_and_validates() -> None:
    block = portal.connector_block(BASE, "bkd")
    assert block["kind"] == CkanConnector.kind == "ckan"
    assert settings_for("bkd").categories.tags["informasi-dikecualikan"] is InformationCategory.DIKECUALIKAN


async def test_capabilities_and_pushdown_follow_the_settings(make: Make) -> None:
    connector = make()
    assert connector.capabilities == {Capability.DOCUMENTS, Capability.DOCUMENT, Capability.PROFILE}
    assert connector.pushdown.query and connector.pushdown.years
    assert not (connector.pushdown.categories or connector.pushdown.type or connector.pushdown.orders)
    assert not make(search_upstream=False).pushdown.query


async def test_api_token_comes_from_the_environment(
    make: Make, transport: Recording, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SATUDATA_TOKEN", raising=False)
    with pytest.raises(ConnectorConfigError, match="SATUDATA_TOKEN") as caught:
        make(api_token_env="SATUDATA_TOKEN")
    assert caught.value.key == "api_token_env"
    monkeypatch.setenv("SATUDATA_TOKEN", "tok-123")
    await make(api_token_env="SATUDATA_TOKEN").profile()
    assert transport.requests[-1].headers["Authorization"] == "tok-123"


# --- documents and paging ---------------------------------------------------------------------------


async def test_every_resource_becomes_one_document(make: Make) -> None:
    seed = SEEDS["bkd"]
    documents = await read_all(make("bkd"))
    assert [d.local_id for d in documents] == expected_ids("bkd")
    assert any(len(p.documents) > 1 for p in portal.portal_packages([seed]))
    by_title = sorted((d.title, d.summary, d.type, d.category) for d in documents)
    assert by_title == sorted((d.title, d.summary, d.type, d.category) for d in seed.documents)
    first = documents[0]
    package_name, resource = first.local_id.split("/")
    assert first.source_url == f"{BASE}/dataset/{package_name}/resource/{resource}"
    assert first.published_at is not None and first.published_at.utcoffset() is not None


async def test_a_resource_keeps_its_file_and_times_in_utc(make: Make) -> None:
    seed = SEEDS["bkd"]
    documents = {d.local_id: d for d in await read_all(make("bkd"))}
    for package in portal.portal_packages([seed]):
        for doc in package.documents:
            got = documents[f"{package.name}/{portal.resource_id(seed, doc)}"]
            if doc.published_at is not None:
                assert got.published_at == doc.published_at
            assert got.year == package.year == doc.year  # the package's tahun extra: the document's own
            served = seed.files.get(doc.local_id)
            if served and doc.category is not InformationCategory.DIKECUALIKAN:
                assert got.size_bytes == served.size_bytes and got.mime_type == "application/pdf"
                assert got.file_url is not None and got.file_url.endswith(f"/download/{served.name}")


async def test_the_year_is_the_packages_tahun_extra(make: Make) -> None:
    seed = SEEDS["bkd"]
    documents = await read_all(make("bkd"))
    assert sorted(d.year or 0 for d in documents) == sorted(d.year or 0 for d in seed.documents)
    assert any(d.year is None for d in documents)  # a package without the extra: no year
    # The point of the extra: a package created in one year holds documents of another.
    created_elsewhere = [
        p for p in portal.portal_packages([seed]) if p.created.astimezone(dt.UTC).year != p.year
    ]
    assert created_elsewhere


async def test_without_year_extra_the_year_is_metadata_createds(make: Make) -> None:
    seed = SEEDS["bkd"]
    documents = {d.local_id: d for d in await read_all(make("bkd", year_extra=None))}
    for package in portal.portal_packages([seed]):
        for doc in package.documents:
            got = documents[f"{package.name}/{portal.resource_id(seed, doc)}"]
            assert got.year == package.created.astimezone(dt.UTC).year


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 50, 1000])
@pytest.mark.parametrize("rows", [1, 3, 100])
async def test_paging_visits_every_resource_once_in_order(make: Make, size: int, rows: int) -> None:
    documents = await read_all(make("bpbd", rows=rows), sizes=lambda: size)
    assert [d.local_id for d in documents] == expected_ids("bpbd")


@pytest.mark.parametrize("seed_value", range(5))
async def test_paging_with_varying_page_sizes_is_exact(make: Make, seed_value: int) -> None:
    rng = random.Random(seed_value)
    documents = await read_all(make("bappeda", rows=rng.choice([2, 5, 100])), sizes=lambda: rng.randint(1, 9))
    assert [d.local_id for d in documents] == expected_ids("bappeda")


async def test_a_token_is_stable_and_ignores_the_page_size(make: Make) -> None:
    connector = make("bkd")
    first = await connector.list_documents(DocumentQuery(page_size=4))
    assert first.next_token is not None
    again = await connector.list_documents(DocumentQuery(page_size=4, token=first.next_token))
    same = await connector.list_documents(DocumentQuery(page_size=4, token=first.next_token))
    longer = await connector.list_documents(DocumentQuery(page_size=6, token=first.next_token))
    assert again == same
    assert longer.items[:4] == again.items
    assert [d.local_id for d in (*first.items, *longer.items)] == expected_ids("bkd")[:10]


async def test_the_first_and_only_page_reports_its_total(make: Make) -> None:
    page = await make("bkd").list_documents(DocumentQuery(page_size=1000))
    assert page.next_token is None and page.total == len(page.items) == len(SEEDS["bkd"].documents)


@pytest.mark.parametrize("token", ["", "abc", "1", "1.", "-1.0", "1.2.3", "99999999999.0"])
async def test_a_foreign_token_is_invalid(make: Make, token: str) -> None:
    with pytest.raises(InvalidToken):
        await make().list_documents(DocumentQuery(token=token))


FILTERS = [
    DocumentFilter(query="laporan"),
    DocumentFilter(query="LAPOR anggaran"),
    DocumentFilter(query="tidak-ada-kata-ini"),
    DocumentFilter(year_from=2024),
    DocumentFilter(year_to=2021),
    DocumentFilter(year_from=2022, year_to=2023),
    DocumentFilter(query="informasi", year_from=2021, year_to=2025),
]


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
@pytest.mark.parametrize("search_upstream", [True, False])
@pytest.mark.parametrize("year_extra", [portal.YEAR_EXTRA, None])
async def test_pushdown_matches_engine_filtering(
    make: Make, flt: DocumentFilter, search_upstream: bool, year_extra: str | None
) -> None:
    settings = {"search_upstream": search_upstream, "year_extra": year_extra}
    everything = await read_all(make("bappeda", **settings))
    expected = [d for d in everything if document_matches(d, flt)]
    pushed = DocumentFilter(
        query=flt.query if search_upstream else None, year_from=flt.year_from, year_to=flt.year_to
    )
    got = await read_all(make("bappeda", **settings), pushed, sizes=lambda: 3)
    if not search_upstream:
        got = [d for d in got if document_matches(d, flt)]  # the engine's share of the work
    assert got == expected


async def test_query_and_years_are_sent_upstream(make: Make, transport: Recording) -> None:
    connector = make("bappeda")
    await connector.list_documents(
        DocumentQuery(filter=DocumentFilter(query="laporan", year_from=2022, year_to=2023))
    )
    params = transport.requests[-1].url.params
    assert params["q"] == "laporan"
    assert params["sort"] == "name asc"
    assert params["fq"] == 'organization:"bappeda" AND extras_tahun:[2022 TO 2023]'
    await make("bappeda", search_upstream=False).list_documents(
        DocumentQuery(filter=DocumentFilter(year_to=2020))
    )
    params = transport.requests[-1].url.params
    assert "q" not in params
    assert params["fq"] == 'organization:"bappeda" AND extras_tahun:[* TO 2020]'
    await make("bappeda").list_documents(DocumentQuery(filter=DocumentFilter(year_from=2025)))
    assert transport.requests[-1].url.params["fq"].endswith(" AND extras_tahun:[2025 TO *]")
    await make("bappeda").list_documents(DocumentQuery())
    assert transport.requests[-1].url.params["fq"] == 'organization:"bappeda"'


async def test_without_year_extra_years_go_upstream_on_metadata_created(
    make: Make, transport: Recording
) -> None:
    connector = make("bappeda", year_extra=None)
    await connector.list_documents(DocumentQuery(filter=DocumentFilter(year_from=2022, year_to=2023)))
    assert transport.requests[-1].url.params["fq"] == (
        'organization:"bappeda" AND metadata_created:[2022-01-01T00:00:00Z TO 2024-01-01T00:00:00Z}'
    )
    await connector.list_documents(DocumentQuery(filter=DocumentFilter(year_to=2020)))
    assert transport.requests[-1].url.params["fq"].endswith("metadata_created:[* TO 2021-01-01T00:00:00Z}")


async def test_a_shared_portal_serves_each_organization_its_own(make: Make) -> None:
    own = {slug: await read_all(make(slug)) for slug in SLUGS}
    for slug in SLUGS:
        assert [d.local_id for d in own[slug]] == expected_ids(slug)
        assert all(d.local_id.startswith(f"{slug}-") for d in own[slug])
    foreign = own["bpbd"][0].local_id
    assert await make("bkd").get_document(foreign) is None
    assert await make("bpbd").get_document(foreign) == own["bpbd"][0]


async def test_exempt_documents_never_carry_a_file(make: Make, client: httpx.AsyncClient) -> None:
    seed = SEEDS["bpbd"]
    (leaked,) = seed.leaked_exempt_ids
    # The portal itself links the file ...
    package = next(
        p for p in portal.portal_packages([seed]) if any(d.local_id == leaked for d in p.documents)
    )
    raw = (await client.get(f"{BASE}/api/3/action/package_show", params={"id": package.name})).json()
    leaked_document = seed.document(leaked)
    assert leaked_document is not None
    wanted = portal.resource_id(seed, leaked_document)
    resource = next(r for r in raw["result"]["resources"] if r["id"] == wanted)
    assert resource["url"]
    # ... the gateway does not.
    local_id = f"{package.name}/{resource['id']}"
    exempt = [d for d in await read_all(make("bpbd")) if d.category is InformationCategory.DIKECUALIKAN]
    assert exempt and local_id in {d.local_id for d in exempt}
    assert all(d.file_url is None and d.mime_type is None and d.size_bytes is None for d in exempt)
    single = await make("bpbd").get_document(local_id)
    assert (
        single is not None and single.category is InformationCategory.DIKECUALIKAN and single.file_url is None
    )


async def test_get_document_reads_package_show(make: Make) -> None:
    connector = make("bkd")
    listed = (await connector.list_documents(DocumentQuery(page_size=3))).items
    for document in listed:
        assert await connector.get_document(document.local_id) == document
    package_name = listed[0].local_id.split("/")[0]
    assert await connector.get_document("no-such-package/abc") is None  # package_show answers 404
    assert await connector.get_document(f"{package_name}/no-such-resource") is None
    assert await connector.get_document("no-slash") is None


async def test_profile_comes_from_organization_show(make: Make) -> None:
    for slug in SLUGS:
        profile = await make(slug).profile()
        assert profile.description == SEEDS[slug].profile.description


# --- categories -------------------------------------------------------------------------------------


def package(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "p1",
        "name": "dataset-a",
        "title": "Dataset A",
        "notes": "Catatan",
        "metadata_created": "2024-03-01T10:00:00.000001",
        "metadata_modified": "2024-03-02T10:00:00",
        "organization": {"name": "dinkes", "title": "Dinas Kesehatan"},
        "tags": [],
        "groups": [],
        "extras": [],
        "resources": [
            {"id": "r1", "name": "CSV", "description": "", "format": "CSV", "mimetype": "text/csv",
             "url": "https://x/r1.csv", "size": 10, "created": "2024-03-01T10:00:00", "last_modified": None},
            {"id": "r2", "name": "", "description": None, "format": "", "mimetype": None,
             "url": "", "size": None, "created": None, "last_modified": None},
        ],
    }  # fmt: skip
    return {**base, **fields}


def envelope(result: Any, *, success: bool = True) -> dict[str, Any]:
    return {
        "help": f"{BASE}/api/3/action/help_show?name=package_search",
        "success": success,
        "result": result,
    }


def serving(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def search_of(*packages: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/package_show"):
            found = [p for p in packages if p["name"] == request.url.params["id"]]
            if not found:
                error = {"__type": "Not Found Error", "message": "Not found"}
                return httpx.Response(404, json={"help": "", "success": False, "error": error})
            return httpx.Response(200, json=envelope(found[0]))
        return httpx.Response(
            200, json=envelope({"count": len(packages), "results": list(packages), "facets": {}})
        )

    return handler


def fake(client: httpx.AsyncClient, **overrides: Any) -> CkanConnector:
    settings = CkanSettings.model_validate({"base_url": BASE, "organization": "dinkes", **overrides})
    return CkanConnector(OpdRef(slug="dinkes", name="Dinas Kesehatan"), settings, client)


async def test_a_package_maps_onto_its_resources() -> None:
    async with serving(search_of(package())) as client:
        page = await fake(client).list_documents(DocumentQuery())
    first, second = page.items
    assert first.local_id == "dataset-a/r1" and first.title == "CSV" and first.summary == "Catatan"
    assert first.category is InformationCategory.SETIAP_SAAT and first.year == 2024
    assert first.file_url == "https://x/r1.csv" and first.mime_type == "text/csv" and first.size_bytes == 10
    assert first.published_at is not None and first.published_at.isoformat() == "2024-03-01T10:00:00+00:00"
    assert second.title == "Dataset A" and second.file_url is None  # falls back on the package
    assert (
        second.published_at is not None
        and second.published_at.isoformat() == "2024-03-01T10:00:00.000001+00:00"
    )


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"tags": [{"name": "kesehatan"}, {"name": "berkala"}, {"name": "rahasia"}]},
         InformationCategory.BERKALA),
        ({"tags": [{"name": "kesehatan"}]}, InformationCategory.SERTA_MERTA),
        ({"tags": [{"name": "berkala"}], "extras": [{"key": "klasifikasi", "value": "Dikecualikan"}]},
         InformationCategory.DIKECUALIKAN),
    ],
)  # fmt: skip
async def test_the_category_comes_from_an_extra_then_tags_then_the_default(
    fields: dict[str, Any], category: InformationCategory
) -> None:
    categories = {
        "extra": "klasifikasi",
        "values": {"Dikecualikan": "DIKECUALIKAN"},
        "tags": {"berkala": "BERKALA", "rahasia": "DIKECUALIKAN"},
        "default": "SERTA_MERTA",
    }
    async with serving(search_of(package(**fields))) as client:
        page = await fake(client, categories=categories).list_documents(DocumentQuery())
    assert {d.category for d in page.items} == {category}
    if category is InformationCategory.DIKECUALIKAN:
        assert all(d.file_url is None for d in page.items)


async def test_an_unknown_category_value_names_the_extra() -> None:
    body = package(extras=[{"key": "klasifikasi", "value": "Rahasia"}])
    async with serving(search_of(body)) as client:
        connector = fake(client, categories={"extra": "klasifikasi", "values": {"Berkala": "BERKALA"}})
        with pytest.raises(UpstreamBadResponse) as caught:
            await connector.list_documents(DocumentQuery())
    assert caught.value.field == "result.results[0].extras[klasifikasi]"


# --- years -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extras", "year"),
    [
        ([{"key": "tahun", "value": "2021"}], 2021),
        ([{"key": "tahun", "value": " 2019 "}], 2019),
        ([{"key": "tahun", "value": 2022}], 2022),  # a number where CKAN would have text
        ([{"key": "tahun", "value": ""}], None),
        ([{"key": "tahun", "value": None}], None),
        ([{"key": "jenis_dokumen", "value": "Laporan"}], None),
    ],
)
async def test_the_year_extra_gives_every_resource_its_year(
    extras: list[dict[str, Any]], year: int | None
) -> None:
    # metadata_created is 2024: with year_extra it never leaks into the year.
    async with serving(search_of(package(extras=extras))) as client:
        page = await fake(client, year_extra="tahun").list_documents(DocumentQuery())
        assert [d.year for d in page.items] == [year, year]
        assert await fake(client, year_extra="tahun").get_document("dataset-a/r2") == page.items[1]
        without = await fake(client).list_documents(DocumentQuery())
    assert [d.year for d in without.items] == [2024, 2024]  # the metadata_created year


@pytest.mark.parametrize(
    "value", ["2024/2025", "TA 2024", "dua ribu", "1900", "3024", "2024.0", "-2024", "02024", "２０２４"]
)
async def test_a_year_extra_that_is_not_a_year_names_the_extra(value: str) -> None:
    body = package(extras=[{"key": "tahun", "value": value}])
    async with serving(search_of(body)) as client:
        with pytest.raises(UpstreamBadResponse, match="not a year from 1945 to 2100") as listed:
            await fake(client, year_extra="tahun").list_documents(DocumentQuery())
        with pytest.raises(UpstreamBadResponse, match="package_show") as shown:
            await fake(client, year_extra="tahun").get_document("dataset-a/r1")
    assert listed.value.field == "result.results[0].extras[tahun]"
    assert shown.value.field == "result.extras[tahun]"


async def test_the_year_filter_names_the_field_ckan_indexes_the_extra_as() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return search_of()(request)

    async with serving(handler) as client:
        flt = DocumentFilter(year_from=2023, year_to=2025)
        await fake(client, year_extra="Tahun Data (TA)").list_documents(DocumentQuery(filter=flt))
    # CKAN keeps only letters, digits, '_' and '-' of an extra's key when it indexes it.
    assert sent[-1].url.params["fq"] == 'organization:"dinkes" AND extras_TahunDataTA:[2023 TO 2025]'


async def test_a_package_of_another_organization_is_never_served() -> None:
    other = package(organization={"name": "dishub"})
    async with serving(search_of(other)) as client:
        connector = fake(client)
        assert (await connector.list_documents(DocumentQuery())).items == ()
        assert await connector.get_document("dataset-a/r1") is None


# --- errors -----------------------------------------------------------------------------------------


def answering(status: int, body: Any) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers={"Content-Type": "text/html"})
        return httpx.Response(status, json=body)

    return handler


FAILED = {"help": "", "success": False}


@pytest.mark.parametrize(
    "handler",
    [
        answering(500, {**FAILED, "error": {"__type": "Internal Server Error", "message": "Solr down"}}),
        answering(503, "<html>Service Unavailable</html>"),
        answering(429, {"message": "slow down"}),
    ],
)
async def test_a_server_error_is_unavailable(handler: Callable[[httpx.Request], httpx.Response]) -> None:
    async with serving(handler) as client:
        with pytest.raises(UpstreamUnavailable) as caught:
            await fake(client).list_documents(DocumentQuery())
    assert caught.value.status_code in (500, 503, 429)


async def test_a_timeout_is_typed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async with serving(handler) as client:
        with pytest.raises(UpstreamTimeout):
            await fake(client).profile()


@pytest.mark.parametrize(
    ("status", "error", "words"),
    [
        (
            409,
            {"__type": "Validation Error", "rows": ["Invalid integer"]},
            "Validation Error (HTTP 409): rows: Invalid",
        ),
        (
            403,
            {"__type": "Authorization Error", "message": "Access denied"},
            "Authorization Error (HTTP 403)",
        ),
        (200, {"__type": "Search Query Error", "message": "bad fq"}, "Search Query Error (HTTP 200): bad fq"),
        (404, {"__type": "Not Found Error", "message": "Not found"}, "Not Found Error"),
    ],
)
async def test_a_failed_envelope_is_a_bad_response_with_ckans_words(
    status: int, error: dict[str, Any], words: str
) -> None:
    async with serving(answering(status, {**FAILED, "error": error})) as client:
        with pytest.raises(UpstreamBadResponse, match=re.escape(words)):
            await fake(client).list_documents(DocumentQuery())


async def test_not_found_is_none_only_for_package_show() -> None:
    missing = {**FAILED, "error": {"__type": "Not Found Error", "message": "Not found"}}
    async with serving(answering(404, missing)) as client:
        assert await fake(client).get_document("dataset-a/r1") is None
        with pytest.raises(UpstreamBadResponse, match="Not Found Error"):
            await fake(client).profile()


def resource_without_id() -> dict[str, Any]:
    body = package()
    body["resources"][1] = {**body["resources"][1], "id": None}
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"help": "", "result": {"count": 0, "results": []}}, "success"),
        ({"help": "", "success": True}, "result"),
        ([1, 2], "<body>"),
        (envelope({"count": "many", "results": []}), "result.count"),
        (envelope({"count": 1, "results": {"a": 1}}), "result.results"),
        (envelope({"count": 1, "results": [package(name=None)]}), "result.results[0].name"),
        (envelope({"count": 1, "results": [resource_without_id()]}), "result.results[0].resources[1].id"),
        (envelope({"count": 1, "results": [package(metadata_created="yesterday")]}),
         "result.results[0].metadata_created"),
        (envelope({"count": 1, "results": [package(resources="none")]}), "result.results[0].resources"),
        (envelope({"count": 1, "results": [package(extras=[{"value": 1}])]}), "result.results[0].extras[0]"),
        (envelope({"count": 3, "results": []}), "result.results"),
    ],
)  # fmt: skip
async def test_garbage_names_the_field(body: Any, field: str) -> None:
    async with serving(answering(200, body)) as client:
        with pytest.raises(UpstreamBadResponse) as caught:
            await fake(client).list_documents(DocumentQuery())
    assert caught.value.field == field


async def test_a_bad_resource_value_names_the_upstream_field() -> None:
    body = package()
    body["resources"][0]["size"] = -5
    async with serving(answering(200, envelope({"count": 1, "results": [body]}))) as client:
        with pytest.raises(UpstreamBadResponse) as caught:
            await fake(client).list_documents(DocumentQuery())
    assert caught.value.field == "result.results[0].resources[0].size"


async def test_a_body_that_is_not_json_is_a_bad_response() -> None:
    async with serving(answering(200, "<html>maintenance</html>")) as client:
        with pytest.raises(UpstreamBadResponse, match="not JSON"):
            await fake(client).profile()


async def test_a_profile_of_the_wrong_shape_names_the_field() -> None:
    async with serving(answering(200, envelope({"title": "Dinkes", "description": 5}))) as client:
        with pytest.raises(UpstreamBadResponse) as caught:
            await fake(client).profile()
    assert caught.value.field == "result.description"
    async with serving(answering(200, envelope({"title": "Dinas Kesehatan", "description": ""}))) as client:
        assert (await fake(client).profile()).description == "Dinas Kesehatan"


def test_the_envelope_helper_builds_json() -> None:
    assert json.loads(json.dumps(envelope([]))) == envelope([])
