"""The outbox: one delivery per request and operation, claimed by one worker at a time."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from gateway.ledger import (
    DuplicateOutboxEntry,
    LeaseLost,
    Ledger,
    OutboxOperation,
    OutboxRow,
    OutboxStatus,
)

from .conftest import information_request, later

LEASE = timedelta(seconds=30)
NOW = later(1)


async def enqueue(ledger: Ledger, count: int, *, now: datetime = NOW) -> list[OutboxRow]:
    entries = []
    async with ledger.transaction() as tx:
        for n in range(1, count + 1):
            request = await tx.insert_request(information_request(f"PI/2026/DINKES/{n:06d}"))
            entries.append(
                await tx.enqueue(
                    request.id,
                    opd_slug="dinkes",
                    operation=OutboxOperation.SUBMIT_REQUEST,
                    payload={"registration_number": request.registration_number, "requester": "enc:blob"},
                    now=now,
                )
            )
    return entries


async def test_an_enqueued_entry_is_pending_and_due_at_once(ledger: Ledger) -> None:
    [entry] = await enqueue(ledger, 1)
    assert entry.status is OutboxStatus.PENDING
    assert (entry.attempts, entry.next_attempt_at, entry.claimed_by) == (0, NOW, None)
    assert entry.payload == {"registration_number": "PI/2026/DINKES/000001", "requester": "enc:blob"}
    assert "enc:blob" not in repr(entry)
    assert await ledger.outbox.pending_count() == 1


async def test_a_request_is_queued_once_per_operation(ledger: Ledger) -> None:
    [entry] = await enqueue(ledger, 1)
    with pytest.raises(DuplicateOutboxEntry, match="SUBMIT_REQUEST"):
        async with ledger.transaction() as tx:
            await tx.enqueue(
                entry.request_id,
                opd_slug="dinkes",
                operation=OutboxOperation.SUBMIT_REQUEST,
                payload={},
                now=NOW,
            )
    async with ledger.transaction() as tx:
        cancel = await tx.enqueue(
            entry.request_id, opd_slug="dinkes", operation=OutboxOperation.CANCEL, payload={}, now=NOW
        )
        assert [e.operation for e in await tx.outbox_entries(entry.request_id)] == [
            OutboxOperation.SUBMIT_REQUEST,
            OutboxOperation.CANCEL,
        ]
    assert cancel.status is OutboxStatus.PENDING


async def test_a_claim_takes_due_entries_oldest_first_up_to_the_limit(ledger: Ledger) -> None:
    entries = await enqueue(ledger, 3)
    claimed = await ledger.outbox.claim_due("worker-a", limit=2, now=NOW, lease=LEASE)
    assert [e.id for e in claimed] == [entries[0].id, entries[1].id]
    assert all(e.claimed_by == "worker-a" and e.claimed_until == NOW + LEASE for e in claimed)
    assert all(e.attempts == 1 for e in claimed)
    assert [e.id for e in await ledger.outbox.claim_due("worker-b", limit=5, now=NOW, lease=LEASE)] == [
        entries[2].id
    ]
    assert await ledger.outbox.claim_due("worker-c", limit=5, now=NOW, lease=LEASE) == []
    assert await ledger.outbox.pending_count() == 3


async def test_an_entry_not_yet_due_is_not_claimed(ledger: Ledger) -> None:
    await enqueue(ledger, 1, now=later(10))
    assert await ledger.outbox.claim_due("worker-a", limit=5, now=later(9), lease=LEASE) == []
    assert len(await ledger.outbox.claim_due("worker-a", limit=5, now=later(10), lease=LEASE)) == 1


async def test_an_expired_lease_makes_the_entry_claimable_again(ledger: Ledger) -> None:
    [entry] = await enqueue(ledger, 1)
    await ledger.outbox.claim_due("worker-a", limit=1, now=NOW, lease=LEASE)
    assert (
        await ledger.outbox.claim_due(
            "worker-b", limit=1, now=NOW + LEASE - timedelta(seconds=1), lease=LEASE
        )
        == []
    )
    [again] = await ledger.outbox.claim_due("worker-b", limit=1, now=NOW + LEASE, lease=LEASE)
    assert (again.id, again.claimed_by, again.attempts) == (entry.id, "worker-b", 2)
    # worker-a comes back from its stall: the entry is no longer its to report on.
    with pytest.raises(LeaseLost, match="worker-a"):
        await ledger.outbox.mark_delivered(entry.id, "worker-a", upstream_reference="DK-1", now=NOW + LEASE)
    delivered = await ledger.outbox.mark_delivered(
        entry.id, "worker-b", upstream_reference="DK-1", now=NOW + LEASE
    )
    assert delivered.status is OutboxStatus.DELIVERED


async def test_a_delivered_entry_is_never_claimed_again(ledger: Ledger) -> None:
    [entry] = await enqueue(ledger, 1)
    await ledger.outbox.claim_due("worker-a", limit=1, now=NOW, lease=LEASE)
    delivered = await ledger.outbox.mark_delivered(
        entry.id, "worker-a", upstream_reference="DK-0042", now=later(2)
    )
    assert (delivered.status, delivered.delivered_at, delivered.upstream_reference) == (
        OutboxStatus.DELIVERED,
        later(2),
        "DK-0042",
    )
    assert await ledger.outbox.claim_due("worker-b", limit=5, now=later(60 * 24 * 365), lease=LEASE) == []
    assert await ledger.outbox.pending_count() == 0
    with pytest.raises(LeaseLost):
        await ledger.outbox.mark_retry(entry.id, "worker-a", error="late", next_attempt_at=later(5))


async def test_delivery_writes_the_opds_own_number_on_the_request(ledger: Ledger) -> None:
    [entry] = await enqueue(ledger, 1)
    await ledger.outbox.claim_due("worker-a", limit=1, now=NOW, lease=LEASE)
    await ledger.outbox.mark_delivered(entry.id, "worker-a", upstream_reference="DK-0042", now=later(2))
    async with ledger.transaction() as tx:
        request = await tx.get_request(entry.request_id)
    assert request is not None
    assert (request.upstream_reference, request.version) == ("DK-0042", 2)


async def test_a_retry_releases_the_entry_until_its_next_attempt(ledger: Ledger) -> None:
    [entry] = await enqueue(ledger, 1)
    await ledger.outbox.claim_due("worker-a", limit=1, now=NOW, lease=LEASE)
    retry = await ledger.outbox.mark_retry(entry.id, "worker-a", error="HTTP 503", next_attempt_at=later(5))
    assert (retry.claimed_by, retry.claimed_until, retry.last_error) == (None, None, "HTTP 503")
    assert await ledger.outbox.claim_due("worker-b", limit=1, now=later(4), lease=LEASE) == []
    [again] = await ledger.outbox.claim_due("worker-b", limit=1, now=later(5), lease=LEASE)
    assert (again.attempts, again.last_error) == (2, "HTTP 503")


async def test_an_entry_given_up_is_never_claimed_again(ledger: Ledger) -> None:
    [entry] = await enqueue(ledger, 1)
    await ledger.outbox.claim_due("worker-a", limit=1, now=NOW, lease=LEASE)
    failed = await ledger.outbox.mark_failed_permanently(entry.id, "worker-a", error="HTTP 422: unknown OPD")
    assert (failed.status, failed.last_error) == (OutboxStatus.FAILED_PERMANENTLY, "HTTP 422: unknown OPD")
    assert await ledger.outbox.claim_due("worker-a", limit=1, now=later(600), lease=LEASE) == []
    assert await ledger.outbox.pending_count() == 0


async def test_only_the_claiming_worker_may_report_on_an_entry(ledger: Ledger) -> None:
    [entry] = await enqueue(ledger, 1)
    with pytest.raises(LeaseLost):
        await ledger.outbox.mark_delivered(entry.id, "worker-a", upstream_reference=None, now=NOW)
    await ledger.outbox.claim_due("worker-a", limit=1, now=NOW, lease=LEASE)
    with pytest.raises(LeaseLost):
        await ledger.outbox.mark_failed_permanently(entry.id, "worker-b", error="not mine")


async def test_concurrent_workers_on_two_replicas_never_claim_the_same_entry(
    ledger: Ledger, second_ledger: Ledger
) -> None:
    entries = await enqueue(ledger, 40)

    async def work(on: Ledger, worker: str) -> list[int]:
        taken: list[int] = []
        while batch := await on.outbox.claim_due(worker, limit=3, now=NOW, lease=LEASE):
            taken.extend(entry.id for entry in batch)
            await asyncio.sleep(0)
        return taken

    claims = await asyncio.gather(
        *(work(ledger if n % 2 else second_ledger, f"worker-{n}") for n in range(4))
    )
    every = [entry_id for taken in claims for entry_id in taken]
    assert sorted(every) == sorted(entry.id for entry in entries)  # all claimed, none twice


async def test_postgresql_claimers_skip_rows_another_claimer_holds_instead_of_waiting(
    ledger: Ledger, database_url: str
) -> None:
    if ledger.backend != "postgresql":
        pytest.skip("SQLite has no row locks: its write lock makes claimers take turns")
    entries = await enqueue(ledger, 4)
    held = [entries[0].id, entries[1].id]
    other = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with other.connect() as connection, connection.begin():
            # Another claimer in the middle of its claim: it holds the two oldest rows.
            await connection.execute(
                text("SELECT id FROM outbox WHERE id IN (:a, :b) FOR UPDATE"), {"a": held[0], "b": held[1]}
            )
            claimed = await asyncio.wait_for(
                ledger.outbox.claim_due("worker-b", limit=4, now=NOW, lease=LEASE), timeout=10
            )
    finally:
        await other.dispose()
    assert [e.id for e in claimed] == [entries[2].id, entries[3].id]


async def test_claim_arguments_are_checked(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="limit"):
        await ledger.outbox.claim_due("worker-a", limit=0, now=NOW, lease=LEASE)
    with pytest.raises(ValueError, match="lease"):
        await ledger.outbox.claim_due("worker-a", limit=1, now=NOW, lease=timedelta(0))
