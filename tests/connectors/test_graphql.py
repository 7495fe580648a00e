"""The ``graphql`` connector against a real ppid-gateway, run in process as the upstream."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from pydantic import ValidationError

from connectors.capabilities import Capability
from connectors.errors import (
    ConnectorConfigError,
    InvalidToken,
    NotSupported,
    UpstreamBadResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.files import FilesConnector
from connectors.filtering import document_matches, order_key
from connectors.graphql import GraphQLConnector, GraphQLSettings
from connectors.queries import DocumentFilter, DocumentOrder, DocumentQuery, ListQuery, OpdRef
from connectors.records import Document, InformationCategory, MenuSectionKind
from connectors.registry import connector_class
from gateway.app import create_app
from gateway.config import load_config, parse_config

ENDPOINT = "http://regency.test/graphql"
CATEGORIES = [c.value for c in InformationCategory]
TYPES = ["Laporan", "SOP", "Peraturan"]


def catalog(count: int) -> dict[str, Any]:
    """Documents with varied categories, years, types and dates (some undated, some sharing a date)."""
    documents = []
    for i in range(count):
        row: dict[str, Any] = {
            "id": f"d{i:02d}",
            "title": f"{['Laporan Kinerja', 'sop layanan', 'Peraturan Bupati'][i % 3]} {(i * 7) % 11}",
            "category": CATEGORIES[i % 4],
            "summary": f"Ringkasan kesehatan {i}" if i % 2 else None,
            "type": TYPES[i % 3] if i % 5 else None,
            "year": 2018 + i % 6 if i % 7 else None,
        }
        if i % 6:
            row["published_at"] = f"202{i % 4}-0{1 + i % 9}-1{i % 3}T08:00:00+07:00"
        documents.append({key: value for key, value in row.items() if value is not None})
    return {
        "documents": documents,
        "information_list": [
            {"id": f"dip{i}", "number": str(i + 1), "title": f"Informasi {i}", "category": CATEGORIES[i % 4]}
            for i in range(7)
        ],
        "profile": {
            "description": "PPID Pembantu Dinas Kesehatan",
            "vision": "Sehat",
            "contact": {"email": "ppid@dinkes.test"},
            "menu": [{"section": "PROFILE", "available": True, "url": "https://dinkes.test/ppid"}],
        },
    }


@pytest.fixture
async def regency(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests reach a real regency gateway: OPDs ``dinkes`` (23 documents) and ``dpk``."""
    (tmp_path / "dinkes.yaml").write_text(yaml.safe_dump(catalog(23)), encoding="utf-8")
    (tmp_path / "dpk.yaml").write_text(
        yaml.safe_dump({"documents": [{"id": "1", "title": "Arsip", "category": "BERKALA"}]})
    )
    config = {
        "ppid_utama": "dpk",
        "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'regency.db'}"},
        "cache": {"response_ttl_s": 0, "stale_if_error_s": 0},
        "opds": [
            {
                "slug": "dinkes",
                "name": "Dinas Kesehatan",
                "short_name": "Dinkes",
                "connector": {"kind": "files", "catalog": "dinkes.yaml"},
            },
            {
                "slug": "dpk",
                "name": "Dinas Perpustakaan",
                "short_name": "DPK",
                "connector": {"kind": "files", "catalog": "dpk.yaml"},
            },
        ],
    }
    (tmp_path / "gateway.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    app = create_app(load_config(tmp_path / "gateway.yaml"), migrate=True)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport) as client:
        yield client


def connect(http: httpx.AsyncClient, **settings: Any) -> GraphQLConnector:
    block = {"endpoint": ENDPOINT, "upstream_opd": "dinkes"} | settings
    return GraphQLConnector(OpdRef("tangkab-dinkes", "Dinkes Kab. Tangerang"), GraphQLSettings(**block), http)


async def every_page(connector: GraphQLConnector, query: DocumentQuery) -> list[Document]:
    found: list[Document] = []
    page = await connector.list_documents(query)
    found += page.items
    while page.next_token is not None:
        page = await connector.list_documents(
            DocumentQuery(
                filter=query.filter, order=query.order, page_size=query.page_size, token=page.next_token
            )
        )
        found += page.items
    return found


def answering(body: Any, status: int = 200) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes):
            return httpx.Response(status, content=body)
        return httpx.Response(status, json=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_every_document_once_in_order_for_several_page_sizes(regency: httpx.AsyncClient) -> None:
    connector = connect(regency)
    everything = await every_page(connector, DocumentQuery(order=DocumentOrder.TITLE, page_size=100))
    assert len(everything) == 23
    assert len({doc.local_id for doc in everything}) == 23
    for order in DocumentOrder:
        expected = sorted(everything, key=lambda doc: order_key(doc, order))
        for size in (1, 4, 7, 23, 50):
            found = await every_page(connector, DocumentQuery(order=order, page_size=size))
            assert [doc.local_id for doc in found] == [doc.local_id for doc in expected], (order, size)
    first = await connector.list_documents(DocumentQuery(order=DocumentOrder.NEWEST, page_size=5))
    assert len(first.items) == 5 and first.total == 23 and first.next_token is not None


async def test_each_pushdown_equals_engine_side_filtering(regency: httpx.AsyncClient) -> None:
    connector = connect(regency)
    everything = await every_page(connector, DocumentQuery(order=DocumentOrder.TITLE, page_size=100))
    filters = [
        DocumentFilter(categories=frozenset({InformationCategory.BERKALA, InformationCategory.DIKECUALIKAN})),
        DocumentFilter(year_from=2020),
        DocumentFilter(year_to=2019),
        DocumentFilter(year_from=2019, year_to=2021),
        DocumentFilter(query="laporan"),
        DocumentFilter(query="KESEHATAN 1"),
        DocumentFilter(type="sop"),
        DocumentFilter(
            type="Peraturan", year_from=2020, categories=frozenset({InformationCategory.SETIAP_SAAT})
        ),
    ]
    for flt in filters:
        expected = [doc.local_id for doc in everything if document_matches(doc, flt)]
        found = await every_page(connector, DocumentQuery(filter=flt, order=DocumentOrder.TITLE, page_size=3))
        assert [doc.local_id for doc in found] == expected, flt
        assert expected or flt.type == "Peraturan"
        page = await connector.list_documents(
            DocumentQuery(filter=flt, order=DocumentOrder.TITLE, page_size=3)
        )
        assert page.total == len(expected)


async def test_capabilities_and_pushdown_declare_everything_the_upstream_does() -> None:
    assert GraphQLConnector.capabilities == {
        Capability.DOCUMENTS,
        Capability.DOCUMENT,
        Capability.INFORMATION_LIST,
        Capability.PROFILE,
    }
    pushdown = GraphQLConnector.pushdown
    assert pushdown.query and pushdown.categories and pushdown.years and pushdown.type
    assert pushdown.orders == {"NEWEST", "OLDEST", "TITLE"}


async def test_get_document_by_the_upstream_local_id(regency: httpx.AsyncClient) -> None:
    connector = connect(regency)
    document = await connector.get_document("d03")
    assert document is not None
    assert document.local_id == "d03"
    assert document.category is InformationCategory.DIKECUALIKAN
    assert document.type == "Laporan" and document.year == 2021
    assert document.published_at == dt.datetime(2023, 4, 10, 8, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert await connector.get_document("nope") is None
    assert await connector.get_document("1") is None  # dpk's "1" is not dinkes's


async def test_information_list_and_profile(regency: httpx.AsyncClient) -> None:
    connector = connect(regency)
    page = await connector.information_list(ListQuery(page_size=4))
    assert [entry.local_id for entry in page.items] == ["dip0", "dip1", "dip2", "dip3"]
    assert page.total == 7 and page.next_token is not None
    rest = await connector.information_list(ListQuery(page_size=4, token=page.next_token))
    assert [entry.local_id for entry in rest.items] == ["dip4", "dip5", "dip6"] and rest.next_token is None
    berkala = await connector.information_list(ListQuery(category=InformationCategory.BERKALA))
    assert [entry.local_id for entry in berkala.items] == ["dip0", "dip4"]
    profile = await connector.profile()
    assert profile.description == "PPID Pembantu Dinas Kesehatan" and profile.vision == "Sehat"
    assert profile.contact is not None and profile.contact.email == "ppid@dinkes.test"
    sections = {section.section: section for section in profile.menu}
    assert sections[MenuSectionKind.PROFILE].available
    assert sections[MenuSectionKind.PROFILE].url == "https://dinkes.test/ppid"


async def test_a_token_the_upstream_refuses_is_an_invalid_token(regency: httpx.AsyncClient) -> None:
    with pytest.raises(InvalidToken):
        await connect(regency).list_documents(DocumentQuery(token="not-a-cursor"))


async def test_the_upstream_opd_failing_is_unavailable_with_its_message(
    regency: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(self: FilesConnector, *args: object) -> Any:
        raise UpstreamUnavailable("the dinkes catalog server is down")

    monkeypatch.setattr(FilesConnector, "list_documents", down)
    monkeypatch.setattr(FilesConnector, "profile", down)
    connector = connect(regency)
    with pytest.raises(UpstreamUnavailable, match="the dinkes catalog server is down") as caught:
        await connector.list_documents(DocumentQuery())
    assert "UPSTREAM_UNAVAILABLE" in str(caught.value)
    with pytest.raises(UpstreamUnavailable, match="the dinkes catalog server is down"):
        await connector.profile()


async def test_another_upstream_opd_failing_does_not_fail_ours(
    regency: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {
        "data": {"document": None},
        "errors": [{"message": "down", "extensions": {"code": "UPSTREAM_TIMEOUT", "opd": "dpk"}}],
        "extensions": {"upstreams": [{"opd": "dpk", "status": "TIMEOUT"}, {"opd": "dinkes", "status": "OK"}]},
    }
    async with answering(body) as http:
        assert await connect(http).get_document("x") is None


async def test_an_upstream_report_of_our_opd_timing_out_is_unavailable() -> None:
    body = {"data": {"document": None}, "extensions": {"upstreams": [{"opd": "dinkes", "status": "TIMEOUT"}]}}
    async with answering(body) as http:
        with pytest.raises(UpstreamUnavailable, match="TIMEOUT"):
            await connect(http).get_document("x")


async def test_http_500_is_unavailable() -> None:
    async with answering({"errors": [{"message": "boom"}]}, status=500) as http:
        with pytest.raises(UpstreamUnavailable) as caught:
            await connect(http).list_documents(DocumentQuery())
    assert caught.value.status_code == 500


async def test_garbage_is_a_bad_response() -> None:
    async with answering(b"<html>maintenance</html>") as http:
        with pytest.raises(UpstreamBadResponse, match="not JSON"):
            await connect(http).list_documents(DocumentQuery())
    async with answering([1, 2]) as http:
        with pytest.raises(UpstreamBadResponse, match="<body>"):
            await connect(http).list_documents(DocumentQuery())
    async with answering({"errors": [{"message": "Cannot query field 'nodes'"}]}, status=400) as http:
        with pytest.raises(UpstreamBadResponse, match="Cannot query field"):
            await connect(http).list_documents(DocumentQuery())
    async with answering(
        {"errors": [{"message": "oops", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}
    ) as http:
        with pytest.raises(UpstreamUnavailable, match="oops"):
            await connect(http).list_documents(DocumentQuery())


async def test_a_shape_change_is_a_bad_response_naming_the_field() -> None:
    page = {"totalCount": 1, "pageInfo": {"hasNextPage": False, "endCursor": None}}
    node = {"id": "dinkes:1", "localId": "1", "title": "Laporan", "category": "BERKALA"}
    cases = [
        ({"documents": None}, "data.documents"),
        ({"documents": page | {"nodes": {"x": 1}}}, "data.documents.nodes"),
        ({"documents": page | {"totalCount": "1", "nodes": []}}, "data.documents.totalCount"),
        ({"documents": {"totalCount": 1, "nodes": []}}, "data.documents.pageInfo"),
        (
            {"documents": page | {"nodes": [node | {"category": "RAHASIA"}]}},
            "data.documents.nodes[0].category",
        ),
        ({"documents": page | {"nodes": [node | {"id": "dpk:1"}]}}, "data.documents.nodes[0].id"),
        ({"documents": page | {"nodes": [node | {"localId": None}]}}, "data.documents.nodes[0].localId"),
        ({"other": 1}, "data.documents"),
    ]
    for data, where in cases:
        async with answering({"data": data}) as http:
            with pytest.raises(UpstreamBadResponse) as caught:
                await connect(http).list_documents(DocumentQuery())
        assert caught.value.field == where, (data, caught.value)


async def test_queries_carry_every_input_as_variables() -> None:
    sent: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        page = {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": []}
        return httpx.Response(200, json={"data": {"documents": page}})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        flt = DocumentFilter(query='"} evil { x', type="SOP", year_from=2020)
        await connect(http).list_documents(DocumentQuery(filter=flt, page_size=500, token="abc"))
    [body] = sent
    assert '"} evil' not in body["query"]
    assert body["variables"] == {
        "filter": {"opds": ["dinkes"], "yearFrom": 2020, "query": '"} evil { x', "type": "SOP"},
        "orderBy": "NEWEST",
        "first": 100,
        "after": "abc",
    }


async def test_the_credential_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("X-API-Key"))
        return httpx.Response(200, json={"data": {"document": None}})

    monkeypatch.setenv("TANGKAB_KEY", "s3cret")
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        await connect(http, auth_env="TANGKAB_KEY").get_document("1")
        monkeypatch.delenv("TANGKAB_KEY")
        with pytest.raises(ConnectorConfigError, match="TANGKAB_KEY"):
            connect(http, auth_env="TANGKAB_KEY")
    assert seen == ["s3cret"]


def test_settings_validation() -> None:
    settings = GraphQLSettings.model_validate({"endpoint": ENDPOINT, "upstream_opd": "dinkes"})
    assert settings.page_size_max == 100 and settings.auth_env is None
    for bad in (
        {"endpoint": "not a url", "upstream_opd": "dinkes"},
        {"endpoint": ENDPOINT},
        {"endpoint": ENDPOINT, "upstream_opd": "Dinas Kesehatan"},
        {"endpoint": ENDPOINT, "upstream_opd": "dinkes", "timeout_s": 0},
        {"endpoint": ENDPOINT, "upstream_opd": "dinkes", "auth_header": "X Key"},
        {"endpoint": ENDPOINT, "upstream_opd": "dinkes", "token": "secret"},
    ):
        with pytest.raises(ValidationError):
            GraphQLSettings.model_validate(bad)


def test_a_graphql_block_in_the_config() -> None:
    assert connector_class("graphql") is GraphQLConnector
    text = yaml.safe_dump(
        {
            "ppid_utama": "tangkab-dinkes",
            "opds": [
                {
                    "slug": "tangkab-dinkes",
                    "name": "Dinas Kesehatan Kabupaten Tangerang",
                    "short_name": "Dinkes Kab. Tangerang",
                    "connector": {
                        "kind": "graphql",
                        "endpoint": "https://ppid.tangerangkab.go.id/graphql",
                        "upstream_opd": "dinkes",
                    },
                }
            ],
        }
    )
    block = parse_config(text).opds[0].resolved_connector
    assert block.kind == "graphql"


async def test_an_opd_the_upstream_does_not_know_is_a_bad_response_with_its_hint(
    regency: httpx.AsyncClient,
) -> None:
    connector = connect(regency, upstream_opd="dinkess")
    with pytest.raises(UpstreamBadResponse, match=r"unknown OPD slug 'dinkess'.*dinkes"):
        await connector.list_documents(DocumentQuery())
    with pytest.raises(UpstreamBadResponse, match="dinkess"):
        await connector.profile()


async def test_what_the_upstream_opd_lacks_is_not_supported(regency: httpx.AsyncClient) -> None:
    connector = connect(regency, upstream_opd="dpk")  # a catalog with documents only
    assert [doc.local_id for doc in (await connector.list_documents(DocumentQuery())).items] == ["1"]
    for _ in range(2):  # once the catalog is read, the upstream skips the OPD instead of failing it
        with pytest.raises(NotSupported, match="does not support"):
            await connector.information_list(ListQuery())
    with pytest.raises(NotSupported, match="SKIPPED"):
        await connector.profile()


async def test_probe_settles_the_capabilities_of_the_upstream_opd(regency: httpx.AsyncClient) -> None:
    full, documents_only = connect(regency), connect(regency, upstream_opd="dpk")
    await full.probe()
    # Lacking a profile and a DIP is healthy: the probe drops them instead of raising NotSupported.
    await documents_only.probe()

    assert full.capabilities == GraphQLConnector.capabilities
    assert documents_only.capabilities == {Capability.DOCUMENTS, Capability.DOCUMENT}


async def test_probe_of_an_upstream_opd_that_supports_nothing_is_not_supported() -> None:
    skipped = {"data": None, "extensions": {"upstreams": [{"opd": "dinkes", "status": "SKIPPED"}]}}
    async with answering(skipped) as http:
        with pytest.raises(NotSupported, match="SKIPPED"):
            await connect(http).probe()


async def test_a_null_profile_without_an_error_is_not_supported() -> None:
    async with answering({"data": {"opd": {"profile": None, "menu": []}}}) as http:
        with pytest.raises(NotSupported, match="no profile for 'dinkes'"):
            await connect(http).profile()


async def test_no_answer_in_time_is_a_timeout() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(hang)) as http:
        with pytest.raises(UpstreamTimeout):
            await connect(http, timeout_s=0.5).get_document("1")
