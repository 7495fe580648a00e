"""One OPD failing never takes the others down: its outcome is reported, their data comes back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from connectors import (
    DocumentFilter,
    DocumentOrder,
    DocumentPage,
    MockCall,
    UpstreamBadResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.federation import Federation, OperationReport, UpstreamStatusCode

from .catalog import Catalog, connector, day, doc
from .conftest import EngineFactory

NEWEST = DocumentOrder.NEWEST


def healthy_fleet() -> dict[str, Catalog]:
    return {
        "bkd": Catalog([doc(f"k{i}", published=day(i)) for i in range(3)]),
        "dinkes": Catalog([doc(f"d{i}", published=day(10 + i)) for i in range(2)]),
    }


def with_broken(
    handler: Callable[[MockCall], object], engine: EngineFactory, **overrides: object
) -> Federation:
    connectors = {slug: connector(slug, catalog) for slug, catalog in healthy_fleet().items()}
    connectors["broken"] = connector("broken", handler)
    return engine(connectors, **overrides)


async def first_page(federation: Federation, report: OperationReport) -> list[str]:
    page = await federation.documents(
        report, opds=None, filter=DocumentFilter(), order=NEWEST, first=50, after=None
    )
    assert page.total_count == 5, "the total counts the OPDs that answered"
    return [edge.node.id for edge in page.edges]


HEALTHY_IDS = ["dinkes:d1", "dinkes:d0", "bkd:k2", "bkd:k1", "bkd:k0"]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UpstreamUnavailable("503 from the OPD", status_code=503), "UPSTREAM_UNAVAILABLE"),
        (UpstreamBadResponse("no items list", field="data"), "UPSTREAM_BAD_RESPONSE"),
        (UpstreamTimeout("the OPD's own timeout"), "UPSTREAM_TIMEOUT"),
    ],
)
async def test_documents_keep_partial_results_when_one_opd_fails(
    engine: EngineFactory, error: Exception, code: str
) -> None:
    def handler(call: MockCall) -> object:
        raise error

    federation = with_broken(handler, engine)
    report = OperationReport()
    assert await first_page(federation, report) == HEALTHY_IDS
    (failure,) = report.failures()
    assert failure.opd == "broken"
    assert failure.error_code == code
    assert failure.status is (
        UpstreamStatusCode.TIMEOUT if code == "UPSTREAM_TIMEOUT" else UpstreamStatusCode.ERROR
    )
    assert str(error) in (failure.message or "")
    assert {o.opd: o.status for o in report.outcomes()} == {
        "bkd": UpstreamStatusCode.OK,
        "broken": failure.status,
        "dinkes": UpstreamStatusCode.OK,
    }


async def test_documents_keep_partial_results_when_one_opd_hangs_past_its_timeout(
    engine: EngineFactory,
) -> None:
    never = asyncio.Event()

    async def handler(call: MockCall) -> object:
        await never.wait()
        raise AssertionError("unreachable")

    federation = with_broken(handler, engine, opd_timeout_s=0.05)
    report = OperationReport()
    assert await first_page(federation, report) == HEALTHY_IDS
    (failure,) = report.failures()
    assert failure.opd == "broken" and failure.status is UpstreamStatusCode.TIMEOUT
    assert failure.error_code == "UPSTREAM_TIMEOUT"
    assert "0.05 s" in (failure.message or "")


async def test_the_operation_deadline_cuts_off_a_slow_opd(engine: EngineFactory) -> None:
    never = asyncio.Event()

    async def handler(call: MockCall) -> object:
        await never.wait()
        raise AssertionError("unreachable")

    federation = with_broken(handler, engine, opd_timeout_s=60, deadline_s=0.05)
    report = OperationReport()
    assert await first_page(federation, report) == HEALTHY_IDS
    (failure,) = report.failures()
    assert failure.status is UpstreamStatusCode.TIMEOUT
    assert "deadline" in (failure.message or "")
    breaker = federation.circuit("broken")
    assert breaker is not None and breaker.failures == 0, "a call cut off by the deadline proves nothing"


async def test_a_report_from_new_report_shares_one_deadline_across_engine_calls(
    engine: EngineFactory,
) -> None:
    federation = engine({slug: connector(slug, c) for slug, c in healthy_fleet().items()}, deadline_s=0.05)
    report = federation.new_report()
    assert report.deadline is not None
    report.deadline = asyncio.get_running_loop().time() - 1  # the operation's time is already spent
    page = await federation.documents(
        report, opds=None, filter=DocumentFilter(), order=NEWEST, first=5, after=None
    )
    assert page.edges == []
    assert {o.status for o in report.outcomes()} == {UpstreamStatusCode.TIMEOUT}


async def test_a_bug_in_a_third_party_connector_is_an_error_with_a_generic_message(
    engine: EngineFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def handler(call: MockCall) -> object:
        return {"judul": "not a record"}["title"]

    federation = with_broken(handler, engine)
    report = OperationReport()
    with caplog.at_level(logging.ERROR, logger="ppid_gateway.federation"):
        assert await first_page(federation, report) == HEALTHY_IDS
    (failure,) = report.failures()
    assert failure.status is UpstreamStatusCode.ERROR
    assert failure.error_code == "CONNECTOR_ERROR"
    assert "KeyError" not in (failure.message or "") and "title" not in (failure.message or "")
    assert "log" in (failure.message or "")
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is KeyError]
    assert logged, "the traceback goes to the log"


async def test_a_connector_returning_the_wrong_type_is_a_bad_response(engine: EngineFactory) -> None:
    federation = with_broken(lambda call: ["not", "a", "page"], engine)
    report = OperationReport()
    assert await first_page(federation, report) == HEALTHY_IDS
    (failure,) = report.failures()
    assert failure.error_code == "UPSTREAM_BAD_RESPONSE" and "list" in (failure.message or "")


async def test_an_opd_failing_on_a_later_page_keeps_its_place_and_nothing_is_skipped(
    engine: EngineFactory,
) -> None:
    flaky_catalog = Catalog([doc(f"f{i}", published=day(2 * i)) for i in range(6)], page_size=2)
    failing = False

    def flaky(call: MockCall) -> object:
        if failing:
            raise UpstreamUnavailable("down for maintenance")
        return flaky_catalog(call)

    steady = Catalog([doc(f"s{i}", published=day(2 * i + 1)) for i in range(6)], page_size=2)
    federation = engine({"flaky": connector("flaky", flaky), "steady": connector("steady", steady)})

    async def page(after: str | None) -> tuple[list[str], str | None, bool]:
        result = await federation.documents(
            OperationReport(),
            opds=None,
            filter=DocumentFilter(),
            order=DocumentOrder.OLDEST,
            first=3,
            after=after,
        )
        return [e.node.id for e in result.edges], result.end_cursor, result.has_next_page

    one, after, _ = await page(None)
    assert one == ["flaky:f0", "steady:s0", "flaky:f1"]
    failing = True
    two, after, more = await page(after)
    assert two == ["steady:s1", "steady:s2", "steady:s3"]
    assert more
    failing = False
    rest: list[str] = []
    while more:
        ids, after, more = await page(after)
        rest += ids
    seen = one + two + rest
    assert sorted(seen) == sorted({f"flaky:f{i}" for i in range(6)} | {f"steady:s{i}" for i in range(6)})
    assert len(seen) == len(set(seen)) == 12


async def test_calls_are_bounded_by_the_concurrency_setting(engine: EngineFactory) -> None:
    in_flight = 0
    most = 0
    enough = asyncio.Event()

    async def handler(call: MockCall) -> object:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        if in_flight == 3:
            # Open the gate only after every other ready task had its chance to come in.
            asyncio.get_running_loop().call_soon(enough.set)
        await enough.wait()
        in_flight -= 1
        return Catalog([doc("x", published=day(1))])(call)

    slugs = [f"opd-{n:02d}" for n in range(10)]
    federation = engine({slug: connector(slug, handler) for slug in slugs}, concurrency=3)
    page = await federation.documents(
        OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=100, after=None
    )
    assert len(page.edges) == 10
    assert most == 3


async def test_an_upstream_repeating_items_across_pages_yields_each_document_once(
    engine: EngineFactory,
) -> None:
    documents = [doc(f"r{i}", published=day(i)) for i in range(5)]

    def overlapping(call: MockCall) -> object:
        # Page 2 starts one item early, as an offset-paged upstream does when a document was added.
        query = call.argument
        if query.token is None:
            return DocumentPage(items=tuple(documents[:3]), next_token="2")
        return DocumentPage(items=tuple(documents[2:]), next_token=None)

    federation = engine({"bkd": connector("bkd", overlapping)})
    page = await federation.documents(
        OperationReport(), opds=None, filter=DocumentFilter(), order=NEWEST, first=10, after=None
    )
    assert [e.node.document.local_id for e in page.edges] == ["r4", "r3", "r2", "r1", "r0"]
    assert page.total_count == 5
