"""The circuit breaker stops calling an OPD that keeps failing and probes it again later."""

from __future__ import annotations

import asyncio

from connectors import DocumentFilter, DocumentOrder, MockCall, UpstreamBadResponse, UpstreamUnavailable
from gateway.federation import CircuitBreaker, CircuitState, Federation, OperationReport, UpstreamStatusCode

from .catalog import Catalog, connector, day, doc
from .conftest import EngineFactory, FakeClock


def breaker(clock: FakeClock, threshold: int = 3) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=threshold, reset_after_s=30.0, clock=clock)


def test_consecutive_failures_open_the_circuit_at_the_threshold(clock: FakeClock) -> None:
    circuit = breaker(clock)
    for _ in range(2):
        assert circuit.try_acquire()
        circuit.failed("boom")
    assert circuit.state is CircuitState.CLOSED
    assert circuit.try_acquire()
    circuit.failed("boom again")
    assert circuit.state is CircuitState.OPEN
    assert not circuit.try_acquire()
    assert circuit.last_error == "boom again"


def test_a_success_resets_the_count_of_consecutive_failures(clock: FakeClock) -> None:
    circuit = breaker(clock)
    circuit.failed("1")
    circuit.failed("2")
    circuit.succeeded()
    circuit.failed("3")
    circuit.failed("4")
    assert circuit.state is CircuitState.CLOSED


def test_after_the_wait_one_probe_goes_through_and_success_closes(clock: FakeClock) -> None:
    circuit = breaker(clock, threshold=1)
    circuit.failed("down")
    clock.advance(29.9)
    assert circuit.state is CircuitState.OPEN and not circuit.try_acquire()
    clock.advance(0.1)
    assert circuit.state is CircuitState.HALF_OPEN
    assert circuit.try_acquire(), "the probe"
    assert not circuit.try_acquire(), "only one probe at a time"
    circuit.succeeded()
    assert circuit.state is CircuitState.CLOSED and circuit.try_acquire()


def test_a_failed_probe_reopens_for_another_full_wait(clock: FakeClock) -> None:
    circuit = breaker(clock, threshold=1)
    circuit.failed("down")
    clock.advance(30)
    assert circuit.try_acquire()
    circuit.failed("still down")
    assert circuit.state is CircuitState.OPEN
    clock.advance(29)
    assert not circuit.try_acquire()
    clock.advance(1)
    assert circuit.try_acquire()


def test_an_abandoned_probe_lets_the_next_call_probe(clock: FakeClock) -> None:
    circuit = breaker(clock, threshold=1)
    circuit.failed("down")
    clock.advance(30)
    assert circuit.try_acquire()
    circuit.abandoned()
    assert circuit.state is CircuitState.HALF_OPEN
    assert circuit.try_acquire()


class Switch:
    """A handler that fails while ``down`` and otherwise answers from a catalog."""

    def __init__(self, error: Exception) -> None:
        self.down = True
        self.error = error
        self.catalog = Catalog([doc("a", published=day(1))])

    def __call__(self, call: MockCall) -> object:
        if self.down:
            raise self.error
        return self.catalog(call)


async def list_once(federation: Federation) -> OperationReport:
    report = OperationReport()
    await federation.documents(
        report, opds=None, filter=DocumentFilter(), order=DocumentOrder.NEWEST, first=5, after=None
    )
    return report


async def test_an_opd_that_keeps_failing_is_not_called_until_the_wait_is_over(
    engine: EngineFactory, clock: FakeClock
) -> None:
    switch = Switch(UpstreamUnavailable("502"))
    opd = connector("bkd", switch)
    federation = engine({"bkd": opd}, circuit={"failure_threshold": 3, "reset_after_s": 30})
    for _ in range(3):
        report = await list_once(federation)
        assert report.failures()[0].status is UpstreamStatusCode.ERROR
    assert len(opd.calls) == 3

    report = await list_once(federation)
    (failure,) = report.failures()
    assert failure.status is UpstreamStatusCode.OPEN_CIRCUIT
    assert failure.error_code == "UPSTREAM_CIRCUIT_OPEN" and "502" in (failure.message or "")
    assert len(opd.calls) == 3, "no call while the circuit is open"

    clock.advance(30)
    switch.down = False
    report = await list_once(federation)
    assert report.failures() == []
    assert len(opd.calls) == 4, "one probe"
    circuit = federation.circuit("bkd")
    assert circuit is not None and circuit.state is CircuitState.CLOSED


async def test_bad_responses_and_timeouts_count_as_failures(engine: EngineFactory) -> None:
    never = asyncio.Event()

    async def hang(call: MockCall) -> object:
        await never.wait()
        raise AssertionError("unreachable")

    federation = engine(
        {"bad": connector("bad", Switch(UpstreamBadResponse("no json"))), "slow": connector("slow", hang)},
        opd_timeout_s=0.05,
        circuit={"failure_threshold": 1, "reset_after_s": 30},
    )
    await list_once(federation)
    for slug in ("bad", "slow"):
        circuit = federation.circuit(slug)
        assert circuit is not None and circuit.state is CircuitState.OPEN
    report = await list_once(federation)
    assert {o.status for o in report.outcomes()} == {UpstreamStatusCode.OPEN_CIRCUIT}


async def test_upstream_health_probes_every_opd_and_reports_the_circuit(
    engine: EngineFactory, clock: FakeClock
) -> None:
    def slow_but_fine(call: MockCall) -> object:
        clock.advance(0.25)
        return Catalog()(call)

    down = Switch(UpstreamUnavailable("connection refused"))
    federation = engine(
        {"ok": connector("ok", slow_but_fine), "down": connector("down", down)},
        circuit={"failure_threshold": 2, "reset_after_s": 30},
    )
    first = {h.opd: h for h in await federation.upstream_health()}
    assert [h.opd for h in await federation.upstream_health()] == ["ok", "down"], "directory order"
    ok, failing = first["ok"], first["down"]
    assert (ok.status, ok.latency_ms, ok.last_error, ok.circuit) == (
        UpstreamStatusCode.OK,
        250.0,
        None,
        "CLOSED",
    )
    assert ok.connector == "mock"
    assert failing.status is UpstreamStatusCode.ERROR and failing.last_error == "connection refused"

    # The second round above was the second failure in a row: the circuit is open now.
    third = {h.opd: h for h in await federation.upstream_health()}["down"]
    assert (third.status, third.circuit, third.latency_ms) == (UpstreamStatusCode.OPEN_CIRCUIT, "OPEN", None)
    assert third.last_error == "connection refused"
    clock.advance(30)
    down.down = False
    recovered = {h.opd: h for h in await federation.upstream_health()}["down"]
    assert (recovered.status, recovered.circuit) == (UpstreamStatusCode.OK, "CLOSED")
    assert recovered.last_error == "connection refused", "the last error is kept as history"


async def test_a_probe_cut_off_by_the_deadline_leaves_the_next_call_free_to_probe(
    engine: EngineFactory, clock: FakeClock
) -> None:
    never = asyncio.Event()
    hanging = False
    switch = Switch(UpstreamUnavailable("502"))

    async def handler(call: MockCall) -> object:
        if hanging:
            await never.wait()
        return switch(call)

    opd = connector("bkd", handler)
    federation = engine(
        {"bkd": opd}, opd_timeout_s=60, deadline_s=0.05, circuit={"failure_threshold": 1, "reset_after_s": 30}
    )
    await list_once(federation)
    clock.advance(30)
    hanging = True
    report = await list_once(federation)
    assert "deadline" in (report.failures()[0].message or "")
    circuit = federation.circuit("bkd")
    assert circuit is not None and circuit.state is CircuitState.HALF_OPEN
    hanging, switch.down = False, False
    report = await list_once(federation)
    assert report.failures() == [] and len(opd.calls) == 3
