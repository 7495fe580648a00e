"""Registration sequences: unique across concurrent transactions, processes and replicas, without gaps."""

from __future__ import annotations

import asyncio

import pytest

from gateway.kip.vocabulary import RequestKind
from gateway.ledger import Ledger

from .conftest import information_request

INFO = RequestKind.INFORMATION


async def take(ledger: Ledger, kind: RequestKind = INFO, year: int = 2026, opd: str = "DINKES") -> int:
    async with ledger.transaction() as tx:
        sequence = await tx.next_registration_sequence(kind, year, opd)
        # Give the other transactions a chance to run while this one holds its number.
        await asyncio.sleep(0)
        return sequence


async def test_sequences_start_at_one_and_count_per_kind_year_and_opd(ledger: Ledger) -> None:
    assert [await take(ledger) for _ in range(3)] == [1, 2, 3]
    assert await take(ledger, kind=RequestKind.OBJECTION) == 1
    assert await take(ledger, year=2027) == 1
    assert await take(ledger, opd="DISKOMINFO") == 1
    assert await take(ledger) == 4


async def test_fifty_concurrent_transactions_on_two_replicas_get_one_to_fifty(
    ledger: Ledger, second_ledger: Ledger
) -> None:
    # Two ledgers, two pools: what two gateway processes on one database look like.
    sequences = await asyncio.gather(*(take(ledger if i % 2 else second_ledger) for i in range(50)))
    assert sorted(sequences) == list(range(1, 51))


async def test_a_rolled_back_transaction_gives_its_number_back(ledger: Ledger) -> None:
    assert await take(ledger) == 1
    with pytest.raises(RuntimeError):
        async with ledger.transaction() as tx:
            assert await tx.next_registration_sequence(INFO, 2026, "DINKES") == 2
            raise RuntimeError("validation failed after the number was taken")
    assert await take(ledger) == 2


async def test_concurrent_submissions_that_read_before_writing_queue_up_instead_of_failing(
    ledger: Ledger, second_ledger: Ledger
) -> None:
    # A submission reads first (its idempotency key), then writes. On SQLite a transaction
    # that began by reading fails at once ("database is locked") when another wrote
    # meanwhile, unless it took the write lock at BEGIN: this checks that it does.
    async def submit(on: Ledger, key: str) -> str:
        async with on.transaction() as tx:
            assert await tx.find_idempotency("submitInformationRequest", key) is None
            await asyncio.sleep(0)
            sequence = await tx.next_registration_sequence(INFO, 2026, "DINKES")
            number = f"PI/2026/DINKES/{sequence:06d}"
            row = await tx.insert_request(information_request(number))
            await tx.save_idempotency("submitInformationRequest", key, fingerprint="f", request_id=row.id)
            return number

    numbers = await asyncio.gather(
        *(submit(ledger if i % 2 else second_ledger, f"key-{i}") for i in range(20))
    )
    assert sorted(numbers) == [f"PI/2026/DINKES/{n:06d}" for n in range(1, 21)]
