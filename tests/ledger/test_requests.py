"""Requests and objections: written, found, and changed under optimistic concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy.exc

from connectors import ExemptionGround
from gateway.kip.vocabulary import ObjectionReason, RequestKind, RequestState, RoutedBy
from gateway.ledger import (
    ConcurrentUpdate,
    DuplicateRegistrationNumber,
    Ledger,
    NewRequest,
    RequestNotFound,
    RequestRow,
)

from .conftest import RECEIVED_AT, information_request, later

WIB = timezone(timedelta(hours=7))


async def insert(ledger: Ledger, new: NewRequest | None = None) -> RequestRow:
    async with ledger.transaction() as tx:
        return await tx.insert_request(new or information_request())


async def test_a_new_request_is_stored_as_given_at_version_one(ledger: Ledger) -> None:
    new = information_request()
    row = await insert(ledger, new)
    assert row.registration_number == new.registration_number
    assert (row.kind, row.state, row.routed_by) == (
        RequestKind.INFORMATION,
        RequestState.RECEIVED,
        RoutedBy.EXPLICIT,
    )
    assert (row.name_enc, row.nik_enc, row.nik_hash, row.address_enc) == (
        "enc:name",
        "enc:nik",
        "hmac:3603",
        "enc:address",
    )
    assert row.email_enc is None
    assert row.access_code_hash == new.access_code_hash
    assert (row.receipt_date, row.due_date) == (date(2026, 3, 2), date(2026, 3, 16))
    assert row.attached_document_ids == ()
    assert row.version == 1
    assert row.created_at == row.updated_at


async def test_requests_are_found_by_id_number_and_nik_hash(ledger: Ledger) -> None:
    first = await insert(ledger, information_request("PI/2026/DINKES/000001"))
    second = await insert(ledger, information_request("PI/2026/DINKES/000002", received_at=later(5)))
    await insert(ledger, information_request("PI/2026/DINKES/000003", nik_hash="hmac:other"))
    async with ledger.transaction() as tx:
        assert await tx.get_request(first.id) == first
        assert await tx.find_by_registration_number("PI/2026/DINKES/000002") == second
        assert await tx.find_by_registration_number("PI/2026/DINKES/999999") is None
        assert await tx.get_request(10_000) is None
        assert await tx.find_by_nik_hash("hmac:3603") == [first, second]


async def test_times_come_back_in_utc_whatever_zone_they_were_given_in(ledger: Ledger) -> None:
    received_in_wib = datetime(2026, 3, 3, 6, 30, tzinfo=WIB)  # 23:30 UTC the day before
    row = await insert(ledger, information_request(received_at=received_in_wib))
    assert row.received_at == received_in_wib
    assert row.received_at.tzinfo is UTC
    assert row.received_at.hour == 23
    assert row.created_at.tzinfo is UTC


async def test_a_naive_time_is_refused(ledger: Ledger) -> None:
    with pytest.raises(sqlalchemy.exc.StatementError, match="timezone-aware"):
        await insert(ledger, information_request(received_at=datetime(2026, 3, 2, 9, 30)))


async def test_a_taken_registration_number_is_refused_and_the_transaction_rolls_back(ledger: Ledger) -> None:
    await insert(ledger)
    with pytest.raises(DuplicateRegistrationNumber, match="PI/2026/DINKES/000001"):
        async with ledger.transaction() as tx:
            await tx.insert_request(information_request("PI/2026/DINKES/000002"))
            await tx.insert_request(information_request("PI/2026/DINKES/000001"))
    async with ledger.transaction() as tx:
        assert await tx.find_by_registration_number("PI/2026/DINKES/000002") is None


async def test_an_objection_points_at_its_request(ledger: Ledger) -> None:
    request = await insert(ledger)
    objection = information_request(
        "KB/2026/DINKES/000001",
        kind=RequestKind.OBJECTION,
        parent_id=request.id,
        objection_reason=ObjectionReason.C,
        objection_statement="Tidak ada tanggapan dalam 10 hari kerja",
        details=None,
        purpose=None,
        obtain_method=None,
        delivery_method=None,
    )
    row = await insert(ledger, objection)
    assert (row.parent_id, row.objection_reason) == (request.id, ObjectionReason.C)
    async with ledger.transaction() as tx:
        assert await tx.objections_to(request.id) == [row]


async def test_an_objection_without_its_request_is_refused_by_the_schema(ledger: Ledger) -> None:
    orphan = information_request("KB/2026/DINKES/000001", kind=RequestKind.OBJECTION)
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        await insert(ledger, orphan)


async def test_an_update_applies_the_changes_and_moves_the_version_on(ledger: Ledger) -> None:
    row = await insert(ledger)
    async with ledger.transaction() as tx:
        refused = await tx.update_request(
            row,
            state=RequestState.REFUSED,
            refusal_ground=ExemptionGround.H,
            outcome_message="Memuat rahasia pribadi",
            attached_document_ids=["dinkes:sk-17", "dinkes:uji-konsekuensi"],
            responded_at=later(60),
        )
    assert refused.version == 2
    assert refused.state is RequestState.REFUSED
    assert refused.refusal_ground is ExemptionGround.H
    assert refused.attached_document_ids == ("dinkes:sk-17", "dinkes:uji-konsekuensi")
    assert refused.responded_at == later(60)
    assert refused.updated_at >= row.updated_at
    assert (refused.details, refused.registration_number) == (row.details, row.registration_number)


async def test_an_update_from_a_stale_row_is_refused(ledger: Ledger) -> None:
    row = await insert(ledger)
    async with ledger.transaction() as tx:
        await tx.update_request(row, state=RequestState.IN_PROCESS)
    with pytest.raises(ConcurrentUpdate, match="read it again"):
        async with ledger.transaction() as tx:
            await tx.update_request(row, state=RequestState.CANCELLED)
    async with ledger.transaction() as tx:
        current = await tx.get_request(row.id)
    assert current is not None
    assert (current.state, current.version) == (RequestState.IN_PROCESS, 2)


async def test_of_two_concurrent_updates_from_the_same_row_exactly_one_wins(
    ledger: Ledger, second_ledger: Ledger
) -> None:
    row = await insert(ledger)

    async def change(on: Ledger, state: RequestState) -> RequestState:
        async with on.transaction() as tx:
            await asyncio.sleep(0)
            await tx.update_request(row, state=state)
        return state

    outcomes = await asyncio.gather(
        change(ledger, RequestState.IN_PROCESS),
        change(second_ledger, RequestState.CANCELLED),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if isinstance(o, RequestState)]
    losers = [o for o in outcomes if isinstance(o, ConcurrentUpdate)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    async with ledger.transaction() as tx:
        current = await tx.get_request(row.id)
    assert current is not None
    assert (current.state, current.version) == (winners[0], 2)


async def test_updating_a_missing_request_says_so(ledger: Ledger) -> None:
    row = await insert(ledger)
    ghost = RequestRow(**{**{f: getattr(row, f) for f in row.__dataclass_fields__}, "id": row.id + 100})
    with pytest.raises(RequestNotFound):
        async with ledger.transaction() as tx:
            await tx.update_request(ghost, state=RequestState.IN_PROCESS)


async def test_what_the_requester_asked_cannot_be_changed(ledger: Ledger) -> None:
    row = await insert(ledger)
    with pytest.raises(TypeError, match="details"):
        async with ledger.transaction() as tx:
            await tx.update_request(row, details="something else")  # type: ignore[call-arg]


async def test_personal_data_is_left_out_of_a_rows_repr(ledger: Ledger) -> None:
    row = await insert(ledger)
    shown = repr(row)
    assert "PI/2026/DINKES/000001" in shown
    for secret in ("enc:name", "enc:nik", "hmac:3603", "enc:address", "scrypt$"):
        assert secret not in shown
    assert "enc:" not in repr(information_request())


async def test_the_received_time_is_stored_to_the_microsecond(ledger: Ledger) -> None:
    precise = RECEIVED_AT.replace(microsecond=123456)
    row = await insert(ledger, information_request(received_at=precise))
    async with ledger.transaction() as tx:
        stored = await tx.get_request(row.id)
    assert stored is not None and stored.received_at == precise
