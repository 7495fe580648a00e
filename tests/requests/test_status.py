"""Cek Status by number alone and with the access code; cancelling before an outcome."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from gateway.identity.errors import InvalidInput
from gateway.kip.errors import RuleViolation
from gateway.kip.vocabulary import RequestKind, RequestState
from gateway.ledger import Ledger, OutboxOperation
from gateway.requests import DetailedStatus, PublicStatus, RequestNotFound, RequestService

from .conftest import ADDRESS, EMAIL, NAME, NIK, NOW, PHONE, PHONE_E164, Clock, submission

PLAINTEXTS = (NIK, NAME, PHONE, PHONE_E164, EMAIL, ADDRESS)


def everything_in(value: object) -> str:
    """The repr and every field, nested, as one text."""
    parts = [repr(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts += [everything_in(getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif isinstance(value, tuple):
        parts += [everything_in(item) for item in value]
    return "\n".join(parts)


async def test_status_by_number_alone_shows_the_state_and_dates_and_nothing_personal(
    service: RequestService,
) -> None:
    receipt = await service.submit_information_request(submission())
    status = await service.request_status(receipt.registration_number.lower())

    assert type(status) is PublicStatus
    assert (status.kind, status.opd_slug, status.state, status.overdue) == (
        RequestKind.INFORMATION,
        "dinkes",
        RequestState.RECEIVED,
        False,
    )
    assert (status.received_at, status.due_date) == (NOW, receipt.due_date)
    assert [event.state for event in status.history] == [RequestState.RECEIVED]
    shown = everything_in(status)
    for plaintext in PLAINTEXTS:
        assert plaintext not in shown


async def test_overdue_is_derived_from_the_due_date(service: RequestService, clock: Clock) -> None:
    receipt = await service.submit_information_request(submission())
    clock.now = NOW + timedelta(days=40)
    status = await service.request_status(receipt.registration_number)
    assert status is not None and status.overdue


async def test_the_access_code_shows_the_detail_with_the_requester_masked(
    service: RequestService, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    status = await service.request_status(receipt.registration_number, receipt.access_code.lower())

    assert isinstance(status, DetailedStatus)
    assert status.detail.details == "Laporan realisasi anggaran tahun 2025"
    requester = status.detail.requester
    assert requester.nik == "3603********0001"
    assert requester.name == "S*** A***"
    assert requester.email == "s***@example.org"
    shown = everything_in(status)
    for plaintext in PLAINTEXTS:
        assert plaintext not in shown
    async with ledger.transaction() as tx:  # the read of personal data is audited
        row = await tx.find_by_registration_number(receipt.registration_number)
        assert row is not None
        reads = await tx.personal_data_reads(row.id)
    assert [set(read.fields) for read in reads] == [{"name", "nik", "address", "phone", "email"}]


async def test_a_wrong_access_code_is_refused(service: RequestService) -> None:
    receipt = await service.submit_information_request(submission())
    with pytest.raises(RuleViolation) as raised:
        await service.request_status(receipt.registration_number, "ABCDEFGHJK")
    assert raised.value.key == "WRONG_ACCESS_CODE"


async def test_a_malformed_number_is_invalid_input_and_an_unknown_one_is_none(
    service: RequestService,
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await service.request_status("PI-2026-DINKES-1")
    assert [p.path for p in raised.value.fields] == ["registrationNumber"]
    assert await service.request_status("PI/2026/DINKES/000999") is None


async def test_a_request_can_be_cancelled_before_an_outcome_and_the_opd_is_told(
    service: RequestService, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    status = await service.cancel_request(
        receipt.registration_number, receipt.access_code, "Sudah tidak perlu"
    )

    assert status.state is RequestState.CANCELLED
    assert [event.state for event in status.history] == [RequestState.RECEIVED, RequestState.CANCELLED]
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(receipt.registration_number)
        assert row is not None
        entries = await tx.outbox_entries(row.id)
    assert [e.operation for e in entries] == [OutboxOperation.SUBMIT_REQUEST, OutboxOperation.CANCEL]
    assert "Sudah tidak perlu" not in repr(entries[1].payload)  # the reason is free text: encrypted


async def test_cancelling_without_intake_queues_nothing(service: RequestService, ledger: Ledger) -> None:
    receipt = await service.submit_information_request(submission(opd="dindikbud"))
    await service.cancel_request(receipt.registration_number, receipt.access_code)
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(receipt.registration_number)
        assert row is not None
        assert await tx.outbox_entries(row.id) == []


async def test_cancelling_is_refused_after_an_outcome_or_with_a_wrong_code(
    service: RequestService, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    with pytest.raises(RuleViolation) as wrong:
        await service.cancel_request(receipt.registration_number, "ABCDEFGHJK")
    assert wrong.value.key == "WRONG_ACCESS_CODE"

    async with ledger.transaction() as tx:  # the officer answers
        row = await tx.find_by_registration_number(receipt.registration_number)
        assert row is not None
        await tx.update_request(row, state=RequestState.GRANTED, outcome_message="Terlampir")
    with pytest.raises(RuleViolation) as late:
        await service.cancel_request(receipt.registration_number, receipt.access_code)
    assert late.value.key == "CANCEL_AFTER_OUTCOME"

    status = await service.request_status(receipt.registration_number, receipt.access_code)
    assert isinstance(status, DetailedStatus)
    assert (status.state, status.detail.outcome_message) == (RequestState.GRANTED, "Terlampir")


async def test_cancelling_an_unknown_request_says_so(service: RequestService) -> None:
    with pytest.raises(RequestNotFound):
        await service.cancel_request("PI/2026/DINKES/000999", "ABCDEFGHJK")
