"""The wordpress connector against the simulated WordPress site, and against broken ones."""

from __future__ import annotations

import math
import textwrap
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from connectors import (
    ConnectorConfigError,
    Document,
    DocumentPage,
    DocumentQuery,
    InformationCategory,
    InvalidToken,
    OpdRef,
    UpstreamBadResponse,
    UpstreamUnavailable,
)
from connectors.filtering import document_matches
from connectors.queries import DocumentFilter, DocumentOrder
from connectors.wordpress import WordPressConnector, WordPressSettings
from connectors.wordpress.mapping import plain_text
from gateway.config import parse_config
from simulator.dialects import wordpress as dialect
from simulator.directory import load_opds
from simulator.seed import OpdSeed, seed_opd

SITE = "https://bpbd.example.go.id"
OPD = OpdRef(slug="bpbd", name="Badan Penanggulangan Bencana Daerah")
C = InformationCategory
MakeWp = Callable[..., WordPressConnector]


def _leaking_seed() -> OpdSeed:
    for opd in load_opds():
        seed = seed_opd(opd)
        if seed.leaked_exempt_ids:
            return seed
    raise LookupError("no seed leaks an exempt file")


SEED = _leaking_seed()
ITEMS = {f"{item.source}-{item.id}": item for item in dialect.wp_items(SEED)}


class Recorder:
    """An ASGI transport over the simulated site that keeps every request it forwards."""

    def __init__(self) -> None:
        self.transport = httpx.ASGITransport(app=Starlette(routes=dialect.routes(SEED)))
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = await self.transport.handle_async_request(request)
        await response.aread()
        return response

    def listing(self, source: str) -> list[httpx.Request]:
        """The list requests sent to ``source`` (both URL forms)."""
        return [
            r
            for r in self.requests
            if r.url.path.endswith(f"/wp/v2/{source}") or r.url.params.get("rest_route") == f"/wp/v2/{source}"
        ]


@pytest.fixture
def site() -> Recorder:
    """The simulated WordPress site of SEED's OPD."""
    return Recorder()


@pytest.fixture
async def http(site: Recorder) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose transport is the simulated site."""
    async with httpx.AsyncClient(transport=httpx.MockTransport(site)) as client:
        yield client


@pytest.fixture
def make_wp(http: httpx.AsyncClient) -> MakeWp:
    """A connector from the dialect's own block, with options overridden."""

    def make(**options: Any) -> WordPressConnector:
        block = {**dialect.connector_block(SITE), **options}
        block.pop("kind")
        return WordPressConnector(OPD, WordPressSettings.model_validate(block), http)

    return make


async def collect(connector: WordPressConnector, query: DocumentQuery) -> list[DocumentPage]:
    """Every page of ``query``, following the tokens."""
    pages = [await connector.list_documents(query)]
    while pages[-1].next_token is not None:
        token = pages[-1].next_token
        pages.append(await connector.list_documents(DocumentQuery(query.filter, query.order, 10, token)))
        assert len(pages) < 200, "pagination does not end"
    return pages


def documents(pages: list[DocumentPage]) -> list[Document]:
    return [doc for page in pages for doc in page.items]


async def test_every_document_is_read_once_and_mapped(make_wp: MakeWp) -> None:
    docs = documents(await collect(make_wp(), DocumentQuery(page_size=25)))

    assert sorted(doc.local_id for doc in docs) == sorted(ITEMS)
    for doc in docs:
        item = ITEMS[doc.local_id]
        seed_doc = item.document
        assert (doc.title, doc.summary, doc.category) == (seed_doc.title, seed_doc.summary, seed_doc.category)
        assert doc.year == item.date.year
        assert doc.published_at == item.date
        if seed_doc.published_at is not None:
            assert doc.published_at == seed_doc.published_at
        assert doc.source_url is not None and doc.source_url.startswith(SITE)
        served = SEED.files.get(seed_doc.local_id)
        if served is not None and doc.category is not C.DIKECUALIKAN:
            assert (doc.file_url, doc.mime_type, doc.size_bytes) == (
                f"{SITE}/{served.path}",
                served.mime_type,
                served.size_bytes,
            )
        else:
            assert doc.file_url is None


async def test_exempt_documents_never_carry_a_file_even_when_the_site_links_one(make_wp: MakeWp) -> None:
    docs = documents(await collect(make_wp(), DocumentQuery(page_size=100)))
    leaked = {
        f"media-{item.id}" for item in ITEMS.values() if item.document.local_id in SEED.leaked_exempt_ids
    }

    assert leaked
    exempt = [doc for doc in docs if doc.category is C.DIKECUALIKAN]
    assert leaked <= {doc.local_id for doc in exempt}
    assert all((d.file_url, d.mime_type, d.size_bytes) == (None, None, None) for d in exempt)


@pytest.mark.parametrize("size", [1, 7, 100])
async def test_pages_follow_x_wp_totalpages_source_by_source(
    make_wp: MakeWp, site: Recorder, size: int
) -> None:
    pages = await collect(make_wp(), DocumentQuery(page_size=size))

    per_source = {s: sum(1 for key in ITEMS if key.startswith(s)) for s in ("media", "posts")}
    assert len(site.listing("media")) == math.ceil(per_source["media"] / size)
    assert len(site.listing("posts")) == math.ceil(per_source["posts"] / size)
    assert all(len(page.items) <= size for page in pages)
    assert {r.url.params["per_page"] for r in site.listing("media")} == {str(size)}


async def test_rest_route_mode_reads_the_same_documents(make_wp: MakeWp, site: Recorder) -> None:
    pretty = documents(await collect(make_wp(), DocumentQuery(page_size=30)))
    plain = documents(await collect(make_wp(pretty_permalinks=False), DocumentQuery(page_size=30)))

    assert plain == pretty
    plain_requests = [r for r in site.requests if "rest_route" in r.url.params]
    assert plain_requests and all(r.url.path == "/" for r in plain_requests)


FILTERS = [
    DocumentFilter(query="laporan"),
    DocumentFilter(query="jenis"),  # only in WordPress's content: the local guard drops them
    DocumentFilter(query="  INFORMASI   publik "),
    DocumentFilter(query="tidak-ada-dokumen-seperti-ini"),
    DocumentFilter(year_from=2022, year_to=2023),
    DocumentFilter(year_from=2025),
    DocumentFilter(year_to=2021, query="rencana"),
]


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
async def test_pushed_down_filters_equal_filtering_the_whole_list(
    make_wp: MakeWp, site: Recorder, flt: DocumentFilter
) -> None:
    connector = make_wp()
    everything = documents(await collect(connector, DocumentQuery(page_size=100)))
    site.requests.clear()

    pushed = documents(await collect(connector, DocumentQuery(filter=flt, page_size=10)))

    assert connector.pushdown.query and connector.pushdown.years
    assert sorted(d.local_id for d in pushed) == sorted(
        d.local_id for d in everything if document_matches(d, flt)
    )
    sent = site.listing("media")[0].url.params
    assert ("search" in sent) == bool(flt.query)
    assert ("after" in sent, "before" in sent) == (flt.year_from is not None, flt.year_to is not None)


async def test_no_order_is_pushed_down_and_pages_are_read_in_id_order(
    make_wp: MakeWp, site: Recorder
) -> None:
    # WordPress sorts by date without a tie-break, and the seed publishes documents in batches:
    # the engine orders, and the pages are asked in id order, a total one (test_wordpress_ties.py).
    connector = make_wp(sources=["media"])
    dates = [item.date for key, item in ITEMS.items() if key.startswith("media")]
    assert len(set(dates)) < len(dates)

    await connector.list_documents(DocumentQuery(order=DocumentOrder.NEWEST))

    assert connector.pushdown.orders == frozenset()
    sent = site.listing("media")[0].url.params
    assert (sent["orderby"], sent["order"]) == ("id", "asc")


async def test_a_page_past_the_last_is_the_end_not_an_error(make_wp: MakeWp) -> None:
    connector = make_wp(sources=["posts", "media"])

    page = await connector.list_documents(DocumentQuery(token="0:99:10"))

    assert page.items == ()
    assert page.next_token == "1:1:10"
    last = await connector.list_documents(DocumentQuery(token="1:99:10"))
    assert (last.items, last.next_token) == ((), None)


async def test_get_document_by_local_id(make_wp: MakeWp) -> None:
    connector = make_wp()
    key = next(k for k in ITEMS if k.startswith("posts"))

    found = await connector.get_document(key)

    assert found is not None and found.local_id == key and found.title == ITEMS[key].document.title
    assert await connector.get_document("media-999999") is None
    assert await connector.get_document(key.replace("posts", "media")) is None
    assert await connector.get_document("pages-101") is None
    assert await connector.get_document("not-an-id") is None


async def test_a_bad_token_is_invalid(make_wp: MakeWp) -> None:
    with pytest.raises(InvalidToken):
        await make_wp().list_documents(DocumentQuery(token="page:2"))
    with pytest.raises(InvalidToken):
        await make_wp().list_documents(DocumentQuery(token="5:1:10"))


# A broken site: each test serves its own answers.

CATEGORIES = [{"id": 4, "slug": "informasi-dikecualikan"}, {"id": 7, "slug": "informasi-berkala"}]


def media_item(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": 5,
        "date": "2024-03-01T09:30:00",
        "date_gmt": "2024-03-01T02:30:00",
        "modified_gmt": "2024-03-02T02:30:00",
        "link": f"{SITE}/?attachment_id=5",
        "title": {"rendered": "Laporan &#8211; Kinerja &amp; <em>Anggaran</em>&nbsp;2024"},
        "caption": {"rendered": "<p>Ringkasan <strong>singkat</strong> &lt;final&gt;</p>\n"},
        "description": {"rendered": "<p>Panjang</p>"},
        "mime_type": "application/pdf",
        "source_url": f"{SITE}/wp-content/uploads/2024/03/laporan.pdf",
        "media_details": {"filesize": 1234},
        "categories": [7],
    }
    item.update(changes)
    return item


def broken(answer: Callable[[httpx.Request], httpx.Response]) -> WordPressConnector:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/categories"):
            return httpx.Response(200, json=CATEGORIES, headers={"X-WP-TotalPages": "1"})
        return answer(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    settings = WordPressSettings.model_validate(
        {
            "base_url": SITE,
            "sources": ["media"],
            "categories": {"informasi-berkala": "BERKALA", "informasi-dikecualikan": "DIKECUALIKAN"},
        }
    )
    return WordPressConnector(OPD, settings, client)


def test_html_is_stripped_and_entities_unescaped() -> None:
    assert (
        plain_text("Laporan &#8211; Kinerja &amp; <em>Anggaran</em>&nbsp;2024")
        == "Laporan – Kinerja & Anggaran 2024"
    )
    assert plain_text("<p>a</p><p>b<br/>c</p><script>x()</script>") == "a b c"


async def test_a_mocked_media_item_maps_every_field() -> None:
    connector = broken(lambda r: httpx.Response(200, json=[media_item()], headers={"X-WP-TotalPages": "1"}))

    page = await connector.list_documents(DocumentQuery())

    (doc,) = page.items
    assert doc.local_id == "media-5"
    assert doc.title == "Laporan – Kinerja & Anggaran 2024"
    assert doc.summary == "Ringkasan singkat <final>"
    assert doc.category is C.BERKALA
    assert doc.published_at is not None and doc.published_at.isoformat() == "2024-03-01T02:30:00+00:00"
    assert (doc.year, doc.size_bytes, doc.mime_type) == (2024, 1234, "application/pdf")
    assert page.next_token is None


async def test_exempt_wins_over_other_categories() -> None:
    item = media_item(categories=[7, 4, 99])
    connector = broken(lambda r: httpx.Response(200, json=[item], headers={"X-WP-TotalPages": "1"}))

    (doc,) = (await connector.list_documents(DocumentQuery())).items

    assert doc.category is C.DIKECUALIKAN and doc.file_url is None


async def test_a_server_error_is_unavailable() -> None:
    connector = broken(lambda r: httpx.Response(500, text="Internal Server Error"))
    with pytest.raises(UpstreamUnavailable) as info:
        await connector.list_documents(DocumentQuery())
    assert info.value.status_code == 500


async def test_garbage_is_a_bad_response() -> None:
    connector = broken(lambda r: httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(UpstreamBadResponse):
        await connector.list_documents(DocumentQuery())


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (media_item(title="Laporan"), "[0].title.rendered"),
        ({k: v for k, v in media_item().items() if k != "source_url"}, "[0].source_url"),
        (media_item(date_gmt="kemarin"), "[0].date_gmt"),
        (media_item(categories=["berkala"]), "[0].categories"),
        (media_item(id="5"), "[0].id"),
    ],
)
async def test_a_changed_shape_names_the_field(item: dict[str, Any], field: str) -> None:
    connector = broken(lambda r: httpx.Response(200, json=[item], headers={"X-WP-TotalPages": "1"}))
    with pytest.raises(UpstreamBadResponse) as info:
        await connector.list_documents(DocumentQuery())
    assert info.value.field == field


async def test_an_object_instead_of_a_list_is_a_bad_response() -> None:
    connector = broken(lambda r: httpx.Response(200, json={"items": []}))
    with pytest.raises(UpstreamBadResponse):
        await connector.list_documents(DocumentQuery())


async def test_without_total_headers_pages_run_until_the_400() -> None:
    items = [media_item(id=n) for n in range(1, 5)]

    def answer(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["per_page"])
        if (page - 1) * size >= len(items):
            body = {"code": "rest_post_invalid_page_number", "message": "too far", "data": {"status": 400}}
            return httpx.Response(400, json=body)
        return httpx.Response(200, json=items[(page - 1) * size : page * size])

    connector = broken(answer)
    pages = await collect(connector, DocumentQuery(page_size=2))

    assert [d.local_id for d in documents(pages)] == ["media-1", "media-2", "media-3", "media-4"]


async def test_another_400_is_a_bad_response() -> None:
    body = {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): per_page",
        "data": {"status": 400},
    }
    connector = broken(lambda r: httpx.Response(400, json=body))
    with pytest.raises(UpstreamBadResponse):
        await connector.list_documents(DocumentQuery())


async def test_an_application_password_is_sent_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[], headers={"X-WP-TotalPages": "0"})

    settings = WordPressSettings.model_validate(
        {"base_url": SITE, "username": "ppid", "password_env": "WP_APP_PASSWORD"}
    )
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    with pytest.raises(ConnectorConfigError):
        WordPressConnector(OPD, settings, client)
    monkeypatch.setenv("WP_APP_PASSWORD", "abcd efgh")

    await WordPressConnector(OPD, settings, client).list_documents(DocumentQuery())

    assert seen[0].headers["Authorization"] == "Basic cHBpZDphYmNkIGVmZ2g="


def test_settings_refuse_half_an_application_password() -> None:
    with pytest.raises(ValueError, match="password_env"):
        WordPressSettings.model_validate({"base_url": SITE, "username": "ppid"})


def test_a_wordpress_block_validates_through_the_config_loader() -> None:
    config = parse_config(
        textwrap.dedent(
            """\
            ppid_utama: bpbd
            opds:
              - slug: bpbd
                name: Badan Penanggulangan Bencana Daerah
                short_name: BPBD
                connector:
                  kind: wordpress
                  base_url: https://bpbd.example.go.id
                  pretty_permalinks: false
                  sources: [posts]
                  categories: {informasi-berkala: BERKALA}
                  default_category: SERTA_MERTA
            """
        )
    )

    (resolved,) = (opd.resolved_connector for opd in config.opds)
    assert (resolved.kind, resolved.cls) == ("wordpress", WordPressConnector)
    assert isinstance(resolved.settings, WordPressSettings)
    assert resolved.settings.sources == ("posts",)
    assert resolved.settings.categories == {"informasi-berkala": C.BERKALA}
    assert resolved.settings.default_category is C.SERTA_MERTA
