"""The rest connector pages through every pagination style exactly, with tokens that outlive page sizes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pytest
import respx

from connectors import DocumentPage, DocumentQuery, InvalidToken, UpstreamBadResponse
from connectors.rest import RestConnector

from .upstream import BASE, FakeList, documents_block, raw_documents

MakeRest = Callable[[dict[str, Any]], RestConnector]
STYLES = list(("page", "page_header_total", "offset", "cursor", "next_link_body", "next_link_header", "none"))


async def collect(connector: RestConnector, sizes: Sequence[int]) -> list[DocumentPage]:
    """Every page, asking for ``sizes[i]`` items on the i-th page (the last size repeats)."""
    pages: list[DocumentPage] = []
    token: str | None = None
    while True:
        size = sizes[min(len(pages), len(sizes) - 1)]
        page = await connector.list_documents(DocumentQuery(page_size=size, token=token))
        pages.append(page)
        if page.next_token is None:
            return pages
        assert page.next_token != token
        token = page.next_token
        assert len(pages) < 50, "pagination does not end"


def ids(pages: Sequence[DocumentPage]) -> list[str]:
    return [document.local_id for page in pages for document in page.items]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("count", [0, 1, 4, 5])
async def test_every_style_yields_each_item_once_in_order(
    style: str, count: int, router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/docs").mock(side_effect=FakeList(raw_documents(count), style))
    connector = make_rest({"documents": documents_block(style)})

    pages = await collect(connector, [2])

    assert ids(pages) == [str(n) for n in range(1, count + 1)]
    assert pages[-1].next_token is None


@pytest.mark.parametrize("style", [s for s in STYLES if s != "none"])
async def test_a_token_stays_valid_when_the_page_size_changes(
    style: str, router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/docs").mock(side_effect=FakeList(raw_documents(9), style))
    connector = make_rest({"documents": documents_block(style)})

    pages = await collect(connector, [2, 5, 1, 3])

    assert ids(pages) == [str(n) for n in range(1, 10)]


@pytest.mark.parametrize(
    ("style", "first_token"),
    [
        ("page", "page:2:2"),
        ("offset", "offset:2:2"),
        ("cursor", "cursor:2:2"),
        ("next_link_body", f"link:{BASE}/api/docs?page=2&per_page=2"),
        ("next_link_header", f"link:{BASE}/api/docs?page=2&per_page=2"),
    ],
)
async def test_tokens_are_plain_and_carry_the_page_size(
    style: str, first_token: str, router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/docs").mock(side_effect=FakeList(raw_documents(5), style))
    connector = make_rest({"documents": documents_block(style)})

    page = await connector.list_documents(DocumentQuery(page_size=2))

    assert page.next_token == first_token


@pytest.mark.parametrize(
    ("style", "total"), [("page", 5), ("page_header_total", 5), ("offset", 5), ("cursor", None), ("none", 5)]
)
async def test_total_comes_from_the_body_or_a_header(
    style: str, total: int | None, router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/docs").mock(side_effect=FakeList(raw_documents(5), style))
    connector = make_rest({"documents": documents_block(style)})

    page = await connector.list_documents(DocumentQuery(page_size=2))

    assert page.total == total


async def test_page_size_is_capped_by_max_page_size(router: respx.Router, make_rest: MakeRest) -> None:
    upstream = FakeList(raw_documents(30), "page")
    router.get("/api/docs").mock(side_effect=upstream)
    connector = make_rest({"documents": documents_block("page", pagination={"max_page_size": 7})})

    page = await connector.list_documents(DocumentQuery(page_size=50))

    assert len(page.items) == 7
    assert upstream.requests[0].url.params["per_page"] == "7"
    assert page.next_token == "page:2:7"


async def test_page_numbers_start_where_the_upstream_starts(
    router: respx.Router, make_rest: MakeRest
) -> None:
    seen: list[str] = []

    def zero_based(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params["page"])
        page = int(request.url.params["page"])
        items = raw_documents(3)[page * 2 : page * 2 + 2]
        return httpx.Response(200, json={"data": items})

    router.get("/api/docs").mock(side_effect=zero_based)
    connector = make_rest({"documents": documents_block("page", pagination={"first_page": 0}, total=None)})

    pages = await collect(connector, [2])

    assert ids(pages) == ["1", "2", "3"]
    assert seen == ["0", "1"]


async def test_without_a_size_parameter_the_upstream_page_size_is_learned(
    router: respx.Router, make_rest: MakeRest
) -> None:
    def fixed_size(request: httpx.Request) -> httpx.Response:
        assert "per_page" not in request.url.params
        page = int(request.url.params["page"])
        return httpx.Response(200, json={"data": raw_documents(7)[(page - 1) * 3 : page * 3]})

    router.get("/api/docs").mock(side_effect=fixed_size)
    connector = make_rest({"documents": documents_block("page", pagination={"size_param": None}, total=None)})

    pages = await collect(connector, [2])

    assert ids(pages) == [str(n) for n in range(1, 8)]
    assert pages[0].next_token == "page:2:3"


@pytest.mark.parametrize(
    ("style", "token"),
    [
        ("page", "garbage"),
        ("page", "offset:2:2"),
        ("page", "page:0:2"),
        ("page", "page:2:5000"),
        ("offset", "offset:x:2"),
        ("cursor", "cursor:2:"),
        ("next_link_header", "link:https://evil.example.com/steal"),
        ("next_link_header", "https://opd.example.go.id/ppid/api/docs"),
        ("none", "page:2:2"),
    ],
)
async def test_a_token_not_made_by_this_connector_is_refused(
    style: str, token: str, router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.get("/api/docs").mock(side_effect=FakeList(raw_documents(5), style))
    connector = make_rest({"documents": documents_block(style)})

    with pytest.raises(InvalidToken):
        await connector.list_documents(DocumentQuery(page_size=2, token=token))
    assert not route.called


async def test_a_next_link_to_another_host_is_not_followed(router: respx.Router, make_rest: MakeRest) -> None:
    router.get("/api/docs").mock(
        return_value=httpx.Response(
            200,
            json=raw_documents(2),
            headers={"Link": '<https://elsewhere.example.com/x?page=2>; rel="next"'},
        )
    )
    connector = make_rest({"documents": documents_block("next_link_header")})

    with pytest.raises(UpstreamBadResponse, match="elsewhere") as caught:
        await connector.list_documents(DocumentQuery(page_size=2))
    assert caught.value.field == "header Link"


async def test_a_cursor_of_the_wrong_type_names_its_path(router: respx.Router, make_rest: MakeRest) -> None:
    router.get("/api/docs").mock(
        return_value=httpx.Response(200, json={"items": raw_documents(2), "paging": {"next": {"id": 3}}})
    )
    connector = make_rest({"documents": documents_block("cursor")})

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.list_documents(DocumentQuery(page_size=2))
    assert caught.value.field == "paging.next"


async def test_a_total_that_is_not_a_count_names_its_header(
    router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/docs").mock(
        return_value=httpx.Response(200, json=raw_documents(2), headers={"X-Total-Count": "many"})
    )
    connector = make_rest({"documents": documents_block("page_header_total")})

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.list_documents(DocumentQuery(page_size=2))
    assert caught.value.field == "header X-Total-Count"
