"""Submitting a request: the receipt, the one transaction, idempotent retries, every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from gateway.config import DatabaseConfig
from gateway.identity.errors import InvalidInput
from gateway.identity.requester import RequesterInput
from gateway.kip.vocabulary import RequesterType, RequestState, RoutedBy
from gateway.ledger import Ledger, OutboxOperation
from gateway.requests import ACCESS_CODE_ALPHABET, ACCESS_CODE_LENGTH, RequestService, ServiceUnavailable

from .conftest import NOW, Clock, submission


async def count_requests(ledger: Ledger) -> int:
    """How many requests the ledger holds (numbers are issued per OPD from 1, without gaps)."""
    async with ledger.transaction() as tx:
        found = 0
        for slug in ("DINKES", "DISKOMINFO", "DINDIKBUD"):
            for sequence in range(1, 10):
                number = f"PI/2026/{slug}/{sequence:06d}"
                if await tx.find_by_registration_number(number) is None:
                    break
                found += 1
    return found


async def test_a_submission_gets_a_receipt_with_a_number_a_code_and_a_due_date_in_working_days(
    service: RequestService, ledger: Ledger
) -> None:
    async with ledger.transaction() as tx:  # a decree adds a day off, beside the official one
        await tx.set_holiday_override(
            date(2026, 3, 20), working=False, note="cuti bersama", changed_by="admin"
        )

    receipt = await service.submit_information_request(submission())

    assert receipt.registration_number == "PI/2026/DINKES/000001"
    assert len(receipt.access_code) == ACCESS_CODE_LENGTH
    assert set(receipt.access_code) <= set(ACCESS_CODE_ALPHABET)
    assert receipt.opd_slug == "dinkes"
    assert receipt.routed_by is RoutedBy.EXPLICIT
    assert receipt.received_at == NOW
    # Fri 13 March; not counted: the weekends, Thu 19 (official) and Fri 20 (override)
    assert receipt.due_date == date(2026, 3, 31)
    assert receipt.state is RequestState.RECEIVED
    assert receipt.access_code not in repr(receipt)


async def test_the_request_its_first_event_and_its_outbox_entry_are_written_together(
    service: RequestService, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(receipt.registration_number)
        assert row is not None
        events = await tx.events(row.id)
        entries = await tx.outbox_entries(row.id)
    assert row.access_code_hash.startswith("scrypt$")
    assert receipt.access_code not in row.access_code_hash
    assert [(e.from_state, e.to_state, e.actor_kind.value) for e in events] == [
        (None, RequestState.RECEIVED, "REQUESTER")
    ]
    assert [e.operation for e in entries] == [OutboxOperation.SUBMIT_REQUEST]
    assert entries[0].payload["registration_number"] == receipt.registration_number


async def test_no_outbox_entry_for_an_opd_without_intake(service: RequestService, ledger: Ledger) -> None:
    receipt = await service.submit_information_request(submission(opd="dindikbud"))
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(receipt.registration_number)
        assert row is not None
        assert await tx.outbox_entries(row.id) == []


async def test_numbers_follow_each_other_per_opd(service: RequestService) -> None:
    first = await service.submit_information_request(submission())
    second = await service.submit_information_request(submission())
    other = await service.submit_information_request(submission(opd="dindikbud"))
    assert [first.registration_number, second.registration_number, other.registration_number] == [
        "PI/2026/DINKES/000001",
        "PI/2026/DINKES/000002",
        "PI/2026/DINDIKBUD/000001",
    ]
    assert first.access_code != second.access_code


async def test_a_retry_with_the_same_key_returns_the_same_receipt_and_writes_nothing_new(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    first = await service.submit_information_request(submission(), idempotency_key="retry-1")
    clock.now = NOW.replace(hour=9)  # the retry comes later; the receipt stays the first one's
    # the same input, the phone respelled: still the same request
    respelled = replace(submission().form.requester, phone="+62 812-3456-7890")
    again = await service.submit_information_request(
        submission(form_requester=respelled), idempotency_key="retry-1"
    )
    assert again.replayed and not first.replayed
    assert (again.registration_number, again.access_code, again.due_date, again.received_at) == (
        first.registration_number,
        first.access_code,
        first.due_date,
        first.received_at,
    )
    assert await count_requests(ledger) == 1
    # and the code a retry returns opens the request
    assert await service.request_status(again.registration_number, again.access_code) is not None


async def test_the_same_key_with_different_input_is_refused(service: RequestService, ledger: Ledger) -> None:
    await service.submit_information_request(submission(), idempotency_key="retry-2")
    with pytest.raises(InvalidInput) as raised:
        await service.submit_information_request(
            submission(form_details="Daftar rumah sakit rujukan"), idempotency_key="retry-2"
        )
    assert [p.path for p in raised.value.fields] == ["idempotencyKey"]
    assert await count_requests(ledger) == 1


async def test_every_invalid_field_is_reported_at_once_and_nothing_is_written(
    service: RequestService, ledger: Ledger
) -> None:
    bad = submission(
        opd="no-such-opd",
        document_id="nonsense",
        form_details="",
        form_purpose="x",
        form_requester=RequesterInput(type=RequesterType.INDIVIDUAL, name="", address="Jl", nik="123"),
    )
    with pytest.raises(InvalidInput) as raised:
        await service.submit_information_request(bad, idempotency_key="   ")
    paths = {p.path for p in raised.value.fields}
    assert paths >= {
        "opd",
        "documentId",
        "details",
        "purpose",
        "idempotencyKey",
        "requester.name",
        "requester.address",
        "requester.nik",
        "requester.email",
    }
    assert await count_requests(ledger) == 0


async def test_an_unreachable_database_is_service_unavailable(
    make_service: Callable[..., RequestService],
) -> None:
    # nothing listens on port 1: the ledger cannot connect
    gone = await Ledger.open(DatabaseConfig(url="postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    try:
        service = make_service(ledger=gone)
        with pytest.raises(ServiceUnavailable) as raised:
            await service.submit_information_request(submission())
        assert raised.value.extensions == {"code": "SERVICE_UNAVAILABLE"}
        assert "127.0.0.1" not in str(raised.value)
        with pytest.raises(ServiceUnavailable):
            await service.request_status("PI/2026/DINKES/000001")
    finally:
        await gone.aclose()
