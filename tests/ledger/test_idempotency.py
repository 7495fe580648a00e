"""Idempotency keys: a retried submission finds the request its first attempt made."""

from __future__ import annotations

import asyncio

import pytest

from gateway.ledger import DuplicateIdempotencyKey, IdempotencyRow, Ledger

from .conftest import information_request

SCOPE = "submitInformationRequest"


async def test_a_saved_key_is_found_with_its_request_and_fingerprint(ledger: Ledger) -> None:
    async with ledger.transaction() as tx:
        request = await tx.insert_request(information_request())
        saved = await tx.save_idempotency(SCOPE, "key-1", fingerprint="sha256:abc", request_id=request.id)
    async with ledger.transaction() as tx:
        found = await tx.find_idempotency(SCOPE, "key-1")
        assert await tx.find_idempotency(SCOPE, "key-2") is None
        assert await tx.find_idempotency("submitObjection", "key-1") is None
    assert found == saved
    assert (found.request_id, found.fingerprint) == (request.id, "sha256:abc")


async def test_a_taken_key_is_refused_with_the_saved_row(ledger: Ledger) -> None:
    async with ledger.transaction() as tx:
        first = await tx.insert_request(information_request())
        await tx.save_idempotency(SCOPE, "key-1", fingerprint="sha256:abc", request_id=first.id)
    with pytest.raises(DuplicateIdempotencyKey) as caught:
        async with ledger.transaction() as tx:
            second = await tx.insert_request(information_request("PI/2026/DINKES/000002"))
            await tx.save_idempotency(SCOPE, "key-1", fingerprint="sha256:def", request_id=second.id)
    assert caught.value.existing.request_id == first.id
    assert caught.value.existing.fingerprint == "sha256:abc"
    async with ledger.transaction() as tx:  # the retry's request was rolled back with it
        assert await tx.find_by_registration_number("PI/2026/DINKES/000002") is None


async def test_the_same_key_in_another_scope_is_another_key(ledger: Ledger) -> None:
    async with ledger.transaction() as tx:
        request = await tx.insert_request(information_request())
        await tx.save_idempotency(SCOPE, "key-1", fingerprint="a", request_id=request.id)
        await tx.save_idempotency("submitObjection", "key-1", fingerprint="b", request_id=request.id)


async def test_of_two_concurrent_retries_with_one_key_one_writes_and_the_other_gets_its_request(
    ledger: Ledger, second_ledger: Ledger
) -> None:
    async def submit(on: Ledger, number: str) -> int | IdempotencyRow:
        try:
            async with on.transaction() as tx:
                if (existing := await tx.find_idempotency(SCOPE, "key-1")) is not None:
                    return existing
                request = await tx.insert_request(information_request(number))
                await asyncio.sleep(0)
                await tx.save_idempotency(SCOPE, "key-1", fingerprint="same", request_id=request.id)
                return request.id
        except DuplicateIdempotencyKey as duplicate:
            return duplicate.existing

    outcomes = await asyncio.gather(
        submit(ledger, "PI/2026/DINKES/000001"), submit(second_ledger, "PI/2026/DINKES/000002")
    )
    written = [o for o in outcomes if isinstance(o, int)]
    replayed = [o for o in outcomes if isinstance(o, IdempotencyRow)]
    assert len(written) == 1 and len(replayed) == 1, outcomes
    assert replayed[0].request_id == written[0]
