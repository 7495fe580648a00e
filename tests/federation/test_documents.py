"""Documents across OPDs: arguments, modes, totals, and what each OPD is asked."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from connectors import (
    Capability,
    Document,
    DocumentFilter,
    DocumentOrder,
    DocumentQuery,
    InformationCategory,
    InvalidToken,
    MockCall,
    Pushdown,
)
from gateway.config import GatewayConfig
from gateway.federation import BadUserInput, Federation, OperationReport, UpstreamStatusCode

from .catalog import Catalog, connector, day, doc
from .conftest import EngineFactory, FakeClock, settings

NEWEST = DocumentOrder.NEWEST
FULL = Pushdown(
    query=True, categories=True, years=True, type=True, orders=frozenset({"NEWEST", "OLDEST", "TITLE"})
)


def dated(prefix: str, count: int) -> list[Document]:
    return [doc(f"{prefix}{i:02d}", f"Dokumen {prefix} {i}", published=day(i)) for i in range(count)]


async def all_pages(federation: Federation, *, first: int, **kwargs: object) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = await federation.documents(
            OperationReport(),
            opds=kwargs.get("opds"),  # type: ignore[arg-type]
            filter=kwargs.get("filter", DocumentFilter()),  # type: ignore[arg-type]
            order=kwargs.get("order", NEWEST),  # type: ignore[arg-type]
            first=first,
            after=after,
        )
        ids += [edge.node.id for edge in page.edges]
        if not page.has_next_page:
            return ids
        after = page.end_cursor


@pytest.mark.parametrize("first", [0, -1, 101, 1000])
async def test_first_outside_1_to_100_is_refused_naming_first(engine: EngineFactory, first: int) -> None:
    federation = engine({"bkd": connector("bkd", Catalog(dated("a", 3)))})
    with pytest.raises(BadUserInput) as caught:
        await federation.documents(
            OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=first, after=None
        )
    assert caught.value.argument == "first"
    assert "between 1 and 100" in str(caught.value)


async def test_first_of_1_and_100_are_accepted(engine: EngineFactory) -> None:
    federation = engine({"bkd": connector("bkd", Catalog(dated("a", 3)))})
    for first in (1, 100):
        page = await federation.documents(
            OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=first, after=None
        )
        assert len(page.edges) == min(first, 3)


async def test_unknown_opd_slugs_are_refused_naming_the_argument_the_caller_gives(
    engine: EngineFactory,
) -> None:
    federation = engine({"bkd": connector("bkd", Catalog())})
    with pytest.raises(BadUserInput) as caught:
        await federation.documents(
            OperationReport(),
            opds=["bkd", "nope", "zzz"],
            filter=DocumentFilter(),
            order=NEWEST,
            first=5,
            after=None,
        )
    assert caught.value.argument == "filter.opds"
    assert "'nope'" in str(caught.value) and "'zzz'" in str(caught.value)
    with pytest.raises(BadUserInput) as caught:
        await federation.information_list(
            OperationReport(), opds=["nope"], category=None, first=5, after=None, opds_argument="opd"
        )
    assert caught.value.argument == "opd"


async def test_an_empty_selection_is_an_empty_page(engine: EngineFactory) -> None:
    federation = engine({"bkd": connector("bkd", Catalog(dated("a", 3)))})
    page = await federation.documents(
        OperationReport(), opds=[], filter=DocumentFilter(), order=NEWEST, first=5, after=None
    )
    assert page.edges == [] and page.total_count == 0 and not page.has_next_page
    assert page.start_cursor is None and page.end_cursor is None


async def test_ties_across_opds_are_broken_by_slug_then_local_id(engine: EngineFactory) -> None:
    same = day(5)
    federation = engine(
        {
            "dinkes": connector("dinkes", Catalog([doc("b", published=same), doc("a", published=same)])),
            "bkd": connector("bkd", Catalog([doc("z", published=same), doc("c", published=day(6))])),
        }
    )
    ids = await all_pages(federation, first=2)
    assert ids == ["bkd:c", "bkd:z", "dinkes:a", "dinkes:b"]


async def test_a_source_covering_filter_and_order_is_streamed_with_both_pushed_down(
    engine: EngineFactory,
) -> None:
    bkd = connector("bkd", Catalog(dated("a", 30), pushdown=FULL, page_size=7))
    federation = engine({"bkd": bkd})
    flt = DocumentFilter(query="dokumen", categories=frozenset({InformationCategory.BERKALA}))
    page = await federation.documents(
        OperationReport(), opds=None, filter=flt, order=NEWEST, first=10, after=None
    )
    assert [edge.node.document.local_id for edge in page.edges] == [f"a{i:02d}" for i in range(29, 19, -1)]
    queries: list[DocumentQuery] = [call.argument for call in bkd.calls]
    assert len(queries) == 2, "two pages of 7 cover 10 items"
    assert all(q.order is NEWEST and q.filter == flt for q in queries)


async def test_a_source_missing_a_pushdown_is_materialized_with_what_it_can_push(
    engine: EngineFactory,
) -> None:
    only_categories = Pushdown(categories=True, orders=frozenset({"NEWEST"}))
    bkd = connector("bkd", Catalog(dated("a", 30), pushdown=only_categories, page_size=7))
    federation = engine({"bkd": bkd})
    flt = DocumentFilter(query="dokumen 1", categories=frozenset({InformationCategory.BERKALA}))
    page = await federation.documents(
        OperationReport(), opds=None, filter=flt, order=NEWEST, first=3, after=None
    )
    # words match as substrings: "Dokumen a 1", "... 10" to "... 19", "... 21"
    assert [edge.node.document.local_id for edge in page.edges] == ["a21", "a19", "a18"]
    assert page.total_count == 12
    queries: list[DocumentQuery] = [call.argument for call in bkd.calls]
    assert len(queries) == 5, "every page of 7 (the upstream's size) was fetched"
    assert all(q.order is None and q.filter == DocumentFilter(categories=flt.categories) for q in queries)


async def test_a_streamed_source_without_totals_is_read_to_its_end_so_the_total_is_exact(
    engine: EngineFactory,
) -> None:
    bkd = connector("bkd", Catalog(dated("a", 23), pushdown=FULL, page_size=5, totals=False))
    federation = engine({"bkd": bkd})
    page = await federation.documents(
        OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=2, after=None
    )
    assert page.total_count == 23
    assert page.has_next_page
    second = await federation.documents(
        OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=2, after=page.end_cursor
    )
    assert second.total_count == 23
    assert [e.node.document.local_id for e in second.edges] == ["a20", "a19"]


async def test_tokens_that_depend_on_the_page_size_still_page_exactly_when_first_changes(
    engine: EngineFactory,
) -> None:
    # The upstream reads "page N" with the page size of each request: the
    # engine must ask every page of one pagination with the same size.
    catalog = Catalog(dated("a", 60), pushdown=FULL, page_size=None, tokens="page")
    federation = engine({"bkd": connector("bkd", catalog)})
    ids: list[str] = []
    after = None
    for first in [5, 30, 3, 40, 100, 100]:
        page = await federation.documents(
            OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=first, after=after
        )
        ids += [edge.node.id for edge in page.edges]
        after = page.end_cursor
        if not page.has_next_page:
            break
    assert ids == [f"bkd:a{i:02d}" for i in range(59, -1, -1)]


async def test_an_opd_read_to_its_end_is_not_called_again_and_still_counts(engine: EngineFactory) -> None:
    small = connector("bkd", Catalog(dated("s", 2)))
    large = connector("dinkes", Catalog([doc(f"l{i:02d}", published=day(100 + i)) for i in range(10)]))
    federation = engine({"bkd": small, "dinkes": large})
    first = await federation.documents(
        OperationReport(), opds=None, filter=DocumentFilter(), order=DocumentOrder.OLDEST, first=3, after=None
    )
    assert [e.node.id for e in first.edges] == ["bkd:s00", "bkd:s01", "dinkes:l00"]
    calls_before = len(small.calls)
    second = await federation.documents(
        OperationReport(),
        opds=None,
        filter=DocumentFilter(),
        order=DocumentOrder.OLDEST,
        first=3,
        after=first.end_cursor,
    )
    assert [e.node.id for e in second.edges] == ["dinkes:l01", "dinkes:l02", "dinkes:l03"]
    assert len(small.calls) == calls_before
    assert second.total_count == 12


async def test_an_opd_without_the_documents_capability_is_skipped_without_a_call(
    engine: EngineFactory,
) -> None:
    profile_only = connector("bkd", Catalog(dated("a", 3)), capabilities={Capability.PROFILE})
    federation = engine({"bkd": profile_only, "dinkes": connector("dinkes", Catalog(dated("b", 2)))})
    report = OperationReport()
    page = await federation.documents(
        report, opds=None, filter=DocumentFilter(), order=NEWEST, first=10, after=None
    )
    assert [e.node.opd for e in page.edges] == ["dinkes", "dinkes"]
    assert profile_only.calls == []
    outcome = report.get("bkd")
    assert outcome is not None and outcome.status is UpstreamStatusCode.SKIPPED and outcome.latency_ms is None
    assert not outcome.failed
    assert report.failures() == []


async def test_one_operation_materializes_an_opd_once_even_for_concurrent_fields(
    engine: EngineFactory,
) -> None:
    gate = asyncio.Event()
    catalog = Catalog(dated("a", 12), page_size=5)

    async def slow_catalog(call: MockCall) -> object:
        await gate.wait()
        return catalog(call)

    bkd = connector("bkd", slow_catalog)
    federation = engine({"bkd": bkd})
    report = OperationReport()
    newest = asyncio.ensure_future(
        federation.documents(report, opds=None, filter=DocumentFilter(), order=NEWEST, first=3, after=None)
    )
    title = asyncio.ensure_future(
        federation.documents(
            report, opds=None, filter=DocumentFilter(), order=DocumentOrder.TITLE, first=3, after=None
        )
    )
    await asyncio.sleep(0)
    gate.set()
    pages = await asyncio.gather(newest, title)
    assert [len(p.edges) for p in pages] == [3, 3]
    assert len(bkd.calls) == 3, "three pages of five, fetched once for both fields"
    await federation.documents(
        OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=3, after=None
    )
    assert len(bkd.calls) == 6, "another operation fetches again"


async def test_a_token_the_connector_refuses_is_the_clients_mistake_not_the_opds(
    engine: EngineFactory,
) -> None:
    catalog = Catalog(dated("a", 30), pushdown=FULL, page_size=5)
    refuse = False

    def handler(call: MockCall) -> object:
        if refuse and call.argument.token is not None:
            raise InvalidToken("not a token of this OPD")
        return catalog(call)

    federation = engine({"bkd": connector("bkd", handler, pushdown=FULL)}, circuit={"failure_threshold": 1})
    page = await federation.documents(
        OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=7, after=None
    )
    refuse = True
    report = OperationReport()
    with pytest.raises(BadUserInput) as caught:
        await federation.documents(
            report, opds=None, filter=DocumentFilter(), order=NEWEST, first=7, after=page.end_cursor
        )
    assert caught.value.argument == "after"
    assert "start again without `after`" in str(caught.value)
    assert report.failures() == []
    breaker = federation.circuit("bkd")
    assert breaker is not None and breaker.failures == 0


async def test_an_upstream_that_repeats_its_continuation_token_is_an_error_not_a_loop(
    engine: EngineFactory,
) -> None:
    def handler(call: MockCall) -> object:
        page = Catalog(dated("a", 3))(call.__class__(call.operation, DocumentQuery()))
        return page.model_copy(update={"next_token": "again"})

    federation = engine(
        {"bkd": connector("bkd", handler), "dinkes": connector("dinkes", Catalog(dated("b", 2)))}
    )
    report = OperationReport()
    page = await federation.documents(
        report, opds=None, filter=DocumentFilter(), order=NEWEST, first=10, after=None
    )
    assert [e.node.opd for e in page.edges] == ["dinkes", "dinkes"]
    outcome = report.get("bkd")
    assert outcome is not None and outcome.status is UpstreamStatusCode.ERROR
    assert outcome.error_code == "UPSTREAM_BAD_RESPONSE" and "twice" in (outcome.message or "")


async def test_inactive_opds_are_left_out_and_skipped_when_named() -> None:
    config = GatewayConfig.model_validate(
        {
            "ppid_utama": "bkd",
            "federation": settings(),
            "opds": [
                {"slug": "bkd", "name": "BKD", "short_name": "BKD", "connector": {"kind": "mock"}},
                {
                    "slug": "lama",
                    "name": "Dinas Lama",
                    "short_name": "Lama",
                    "active_to": dt.date(2020, 12, 31),
                    "connector": {"kind": "mock"},
                },
            ],
        }
    )
    bkd = connector("bkd", Catalog(dated("a", 2)))
    federation = Federation(config, bkd.http, connectors={"bkd": bkd}, clock=FakeClock())
    assert [opd.slug for opd in federation.opds()] == ["bkd", "lama"]
    assert federation.connector("lama") is None
    everything = await federation.documents(
        OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=10, after=None
    )
    assert everything.total_count == 2
    report = OperationReport()
    named = await federation.documents(
        report, opds=["lama"], filter=DocumentFilter(), order=NEWEST, first=10, after=None
    )
    assert named.edges == []
    outcome = report.get("lama")
    assert outcome is not None and outcome.status is UpstreamStatusCode.SKIPPED
    await federation.aclose()
