"""The submissions benchmark runs end to end on a tiny load, and its audit finds nothing lost or doubled.

No timing is asserted: only that the bench works and that the gateway keeps
every acknowledged submission exactly once, retries included.
"""

from __future__ import annotations

import pytest

from bench.submissions import clean, run_bench

pytestmark = pytest.mark.integration


def test_a_tiny_submissions_bench_loses_and_duplicates_nothing() -> None:
    run = run_bench(clients=2, requests_total=10, duration_s=None, database_url=None, retry_share=1.0)

    found = run["audit"]
    assert (found["submissions"], found["acknowledged"], found["ledger_rows"]) == (10, 10, 10)
    assert found["lost"] == found["duplicated"] == found["unacknowledged"] == 0
    # every keyed submission was sent twice, and both sends got the same receipt
    assert sum(found["retried"].values()) == found["keyed"] == found["retries_answered_twice"]
    assert found["retries_answered_differently"] == 0
    assert run["latency_first_send"]["n"] == 10
    if run["deliveries"]["measured"]:
        deliveries = run["deliveries"]
        assert deliveries["drained"] and deliveries["missing"] == deliveries["unexpected"] == 0
        assert deliveries["received_distinct"] == deliveries["expected"] == 10
    assert clean(run)
