"""The operation report keeps one entry per OPD: its worst status and its longest latency."""

from __future__ import annotations

import itertools

from gateway.federation import OperationReport, UpstreamOutcome, UpstreamStatusCode

OK, CACHED, STALE, SKIPPED = (UpstreamStatusCode[name] for name in ("OK", "CACHED", "STALE", "SKIPPED"))
ERROR, TIMEOUT, OPEN = UpstreamStatusCode.ERROR, UpstreamStatusCode.TIMEOUT, UpstreamStatusCode.OPEN_CIRCUIT


def test_status_values_are_their_names() -> None:
    assert [s.value for s in UpstreamStatusCode] == [s.name for s in UpstreamStatusCode]


def test_only_errors_timeouts_and_open_circuits_are_failures() -> None:
    assert {s for s in UpstreamStatusCode if UpstreamOutcome("x", s, None).failed} == {ERROR, TIMEOUT, OPEN}


def test_an_opds_entry_keeps_the_worst_status_with_its_message_and_the_longest_latency() -> None:
    report = OperationReport()
    report.record(UpstreamOutcome("bkd", OK, 12.0))
    report.record(UpstreamOutcome("bkd", TIMEOUT, None, "UPSTREAM_TIMEOUT", "no answer within 3 s"))
    report.record(UpstreamOutcome("bkd", OK, 40.0))
    report.record(UpstreamOutcome("bkd", SKIPPED, None))
    (entry,) = report.outcomes()
    assert (entry.status, entry.latency_ms, entry.error_code, entry.message) == (
        TIMEOUT,
        40.0,
        "UPSTREAM_TIMEOUT",
        "no answer within 3 s",
    )


def test_statuses_rank_from_ok_to_error() -> None:
    # SKIPPED (a part the connector cannot answer) must not hide that the rest came from the cache
    ranking = [OK, SKIPPED, CACHED, STALE, OPEN, TIMEOUT, ERROR]
    for better, worse in itertools.pairwise(ranking):
        for order in ((better, worse), (worse, better)):
            report = OperationReport()
            for status in order:
                report.record(UpstreamOutcome("bkd", status, None))
            assert report.outcomes()[0].status is worse


def test_outcomes_and_failures_are_sorted_by_slug() -> None:
    report = OperationReport()
    for slug, status in [("dinkes", ERROR), ("bkd", OK), ("bpbd", TIMEOUT), ("bappeda", SKIPPED)]:
        report.record(UpstreamOutcome(slug, status, None))
    assert [o.opd for o in report.outcomes()] == ["bappeda", "bkd", "bpbd", "dinkes"]
    assert [o.opd for o in report.failures()] == ["bpbd", "dinkes"]
    assert report.get("nope") is None


def test_an_opds_entry_keeps_the_oldest_age_of_its_status() -> None:
    report = OperationReport()
    report.record(UpstreamOutcome("bkd", CACHED, 0.1, age_s=20.0))
    report.record(UpstreamOutcome("bkd", OK, 30.0))
    report.record(UpstreamOutcome("bkd", CACHED, 0.2, age_s=50.0))
    assert report.outcomes()[0].age_s == 50.0
    report.record(UpstreamOutcome("bkd", STALE, 30.0, "UPSTREAM_UNAVAILABLE", "503", age_s=7200.0))
    report.record(UpstreamOutcome("bkd", CACHED, 0.1, age_s=90_000.0))
    (entry,) = report.outcomes()
    assert (entry.status, entry.age_s) == (STALE, 7200.0), "the age is that of the answer given the status"
    report.record(UpstreamOutcome("bkd", ERROR, 10.0, "UPSTREAM_ERROR", "down"))
    assert report.outcomes()[0].age_s is None, "a failure has no answer, so no age"
