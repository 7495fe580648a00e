"""The GraphQL layer over the engine: shapes, partial results, errors a client can act on."""

from __future__ import annotations

from typing import Any

import pytest

from connectors import (
    Contact,
    InformationCategory,
    MenuSection,
    MenuSectionKind,
    OpdProfile,
    UpstreamUnavailable,
)
from gateway.config import FederationConfig
from gateway.federation import Federation
from schema import GatewayContext, build_schema

from ..federation.catalog import Catalog, connector, day, doc, entry

SCHEMA = build_schema()


def failing(call: Any) -> Any:
    raise UpstreamUnavailable("HTTP 503 from the OPD", status_code=503)


def fleet(**extra: Any) -> Federation:
    connectors = {
        "dinkes": connector(
            "dinkes",
            Catalog(
                documents=[
                    doc("1", "Rencana Strategis Dinas Kesehatan", published=day(3), year=2025),
                    doc(
                        "2",
                        "Dokumen Penyelidikan",
                        category=InformationCategory.DIKECUALIKAN,
                        published=day(2),
                        file_url="https://dinkes.example/secret.pdf",
                    ),
                ],
                entries=[entry("e1"), entry("e2", InformationCategory.SETIAP_SAAT)],
                profile=OpdProfile(
                    description="PPID Pembantu Dinas Kesehatan",
                    contact=Contact(email="ppid@dinkes.example"),
                    menu=(
                        MenuSection(section=MenuSectionKind.PROFILE, available=True, url="https://x/profil"),
                        MenuSection(section=MenuSectionKind.INFORMATION_LIST, available=True),
                        MenuSection(section=MenuSectionKind.SOP, available=False),
                    ),
                ),
            ),
        ),
        "bappeda": connector(
            "bappeda", Catalog(documents=[doc("9", "Laporan Keuangan 2025", published=day(1))])
        ),
        **extra,
    }
    return Federation.for_connectors(connectors, federation=FederationConfig(opd_timeout_s=1, deadline_s=2))


async def run(federation: Federation, query: str, **variables: Any) -> Any:
    result = await SCHEMA.execute(query, variable_values=variables, context_value=GatewayContext(federation))
    return result


async def test_documents_come_from_every_opd_with_their_opd_and_an_upstream_report() -> None:
    result = await run(fleet(), "{ documents { totalCount nodes { id title opd { slug name } } } }")
    assert result.errors is None
    documents = result.data["documents"]
    assert documents["totalCount"] == 3
    assert [n["id"] for n in documents["nodes"]] == ["dinkes:1", "dinkes:2", "bappeda:9"]
    assert documents["nodes"][2]["opd"] == {"slug": "bappeda", "name": "OPD bappeda"}
    statuses = {u["opd"]: u["status"] for u in result.extensions["upstreams"]}
    assert statuses == {"bappeda": "OK", "dinkes": "OK"}


async def test_an_exempt_document_is_listed_with_no_file() -> None:
    result = await run(fleet(), '{ document(id: "dinkes:2") { category fileUrl mimeType } }')
    assert result.data["document"] == {"category": "DIKECUALIKAN", "fileUrl": None, "mimeType": None}


async def test_a_failed_opd_is_named_in_errors_and_the_rest_of_the_data_comes_back() -> None:
    result = await run(
        fleet(dishub=connector("dishub", failing)), "{ documents { totalCount nodes { id } } }"
    )
    assert result.data["documents"]["totalCount"] == 3
    [error] = result.errors
    assert error.extensions["opd"] == "dishub"
    assert error.extensions["code"] == "UPSTREAM_UNAVAILABLE"
    assert "dishub" in error.message and "Traceback" not in error.message
    statuses = {u["opd"]: u["status"] for u in result.extensions["upstreams"]}
    assert statuses["dishub"] == "ERROR"


@pytest.mark.parametrize(
    ("query", "argument", "hint"),
    [
        ("{ documents(first: 0) { totalCount } }", "first", "1"),
        ("{ documents(first: 101) { totalCount } }", "first", "100"),
        ('{ documents(after: "not-a-cursor") { totalCount } }', "after", "without `after`"),
        ('{ documents(filter: {opds: ["dinkess"]}) { totalCount } }', "filter.opds", "did you mean dinkes"),
        ('{ document(id: "no-colon") { id } }', "id", ""),
        ('{ document(id: "nowhere:1") { id } }', "id", ""),
        ('{ opd(slug: "bapeda") { name } }', "slug", "did you mean bappeda"),
        ('{ informationList(opd: "x") { totalCount } }', "opd", ""),
        ("{ documents(filter: {yearFrom: 2026, yearTo: 2020}) { totalCount } }", "filter.yearFrom", "swap"),
    ],
)
async def test_bad_arguments_are_bad_user_input_naming_the_argument(
    query: str, argument: str, hint: str
) -> None:
    result = await run(fleet(), query)
    [error] = result.errors
    assert error.extensions["code"] == "BAD_USER_INPUT"
    assert error.extensions["argument"] == argument
    assert hint in error.message


async def test_a_cursor_is_refused_with_another_filter() -> None:
    first = await run(fleet(), "{ documents(first: 1) { pageInfo { endCursor } } }")
    cursor = first.data["documents"]["pageInfo"]["endCursor"]
    result = await run(
        fleet(),
        "query($after: String) "
        "{ documents(first: 1, after: $after, filter: {categories: [BERKALA]}) { totalCount } }",
        after=cursor,
    )
    [error] = result.errors
    assert error.extensions == {"code": "BAD_USER_INPUT", "argument": "after"}


async def test_paging_with_end_cursor_visits_every_document_once() -> None:
    federation = fleet()
    seen: list[str] = []
    after = None
    while True:
        result = await run(
            federation,
            "query($after: String) { documents(first: 1, after: $after) "
            "{ pageInfo { hasNextPage endCursor } edges { node { id } } } }",
            after=after,
        )
        page = result.data["documents"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["dinkes:1", "dinkes:2", "bappeda:9"]


async def test_the_opd_menu_lists_every_standard_section_and_a_score() -> None:
    result = await run(
        fleet(),
        '{ opd(slug: "dinkes") { ppidContact { email } menu { section available url } menuScore } }',
    )
    opd = result.data["opd"]
    assert len(opd["menu"]) == len(MenuSectionKind)
    by_section = {m["section"]: m for m in opd["menu"]}
    assert by_section["PROFILE"] == {"section": "PROFILE", "available": True, "url": "https://x/profil"}
    assert by_section["SOP"]["available"] is False
    assert by_section["REGULATIONS"]["available"] is False
    assert opd["menuScore"] == 20.0
    assert opd["ppidContact"] == {"email": "ppid@dinkes.example"}


async def test_an_opd_without_a_readable_profile_has_an_empty_menu_and_one_error() -> None:
    result = await run(
        fleet(dishub=connector("dishub", failing)), '{ opd(slug: "dishub") { menu { section } menuScore } }'
    )
    assert result.data["opd"] == {"menu": [], "menuScore": None}
    assert [e.extensions["opd"] for e in result.errors] == ["dishub"]


async def test_the_information_list_is_filtered_by_category() -> None:
    result = await run(
        fleet(), '{ informationList(opd: "dinkes", category: SETIAP_SAAT) { totalCount nodes { id } } }'
    )
    assert result.data["informationList"] == {"totalCount": 1, "nodes": [{"id": "dinkes:e2"}]}


async def test_opds_are_listed_without_upstream_calls() -> None:
    federation = fleet()
    result = await run(federation, "{ opds { slug shortName connector } }")
    assert [o["slug"] for o in result.data["opds"]] == ["dinkes", "bappeda"]
    assert "upstreams" not in (result.extensions or {})
    for slug in ("dinkes", "bappeda"):
        assert federation.connector(slug).calls == []  # type: ignore[union-attr]


async def test_a_query_that_does_not_match_the_schema_gets_a_validation_code() -> None:
    result = await run(fleet(), "{ documents { nope } }")
    [error] = result.errors
    assert error.extensions["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nope" in error.message
