"""Objections (keberatan) filed by the requester, and disputes to the Komisi Informasi."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from connectors import ExemptionGround, Submission
from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.errors import InvalidInput
from gateway.kip.errors import RuleViolation
from gateway.kip.vocabulary import ObjectionReason, RequestKind, RequestState, RoutedBy
from gateway.kip.working_days import WIB, WorkingCalendar
from gateway.ledger import ActorKind, Ledger, OutboxOperation, RequestRow
from gateway.requests import (
    STATEMENT_FIELD,
    AccessCodeGuard,
    DetailedStatus,
    ObjectionSummary,
    PublicStatus,
    RateLimited,
    Receipt,
    RequestNotFound,
    RequestService,
)

from .conftest import ADDRESS, EMAIL, NAME, NIK, NOW, PHONE_E164, Clock, official_days_off, submission

R = ObjectionReason
S = RequestState
CALENDAR = WorkingCalendar(official=official_days_off)
STATEMENT = "Permohonan saya ditolak tanpa uji konsekuensi. Mohon informasi dibuka."
RECEIVED = NOW.date()
"""Friday 13 March 2026, the day the tests' requests are received."""
DUE = date(2026, 3, 30)
"""The due date of a request received on Friday 13 March: 10 working days, Thursday 19 March off."""


def at(day: date, hour: int = 10) -> datetime:
    """That day at ``hour`` o'clock WIB."""
    return datetime.combine(day, time(hour), tzinfo=WIB)


async def stored(ledger: Ledger, number: str) -> RequestRow:
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(number)
    assert row is not None
    return row


async def answer(ledger: Ledger, number: str, state: RequestState, on: date, **changes: Any) -> None:
    """The officer's outcome, written straight to the ledger (the officer desk is not needed here)."""
    row = await stored(ledger, number)
    async with ledger.transaction() as tx:
        await tx.update_request(row, state=state, responded_at=at(on), outcome_message="Jawaban", **changes)
        await tx.add_event(
            row.id,
            at=at(on),
            actor_kind=ActorKind.OFFICER,
            actor_id="ppid-dinkes",
            from_state=row.state,
            to_state=state,
        )


async def refused_request(service: RequestService, ledger: Ledger, on: date = RECEIVED) -> Receipt:
    receipt = await service.submit_information_request(submission())
    await answer(ledger, receipt.registration_number, S.REFUSED, on, refusal_ground=ExemptionGround.A)
    return receipt


async def object_to(
    service: RequestService, receipt: Receipt, reason: ObjectionReason = R.A, **options: Any
) -> Receipt:
    return await service.submit_objection(
        receipt.registration_number,
        receipt.access_code,
        reason,
        options.pop("statement", STATEMENT),
        **options,
    )


# -- filing


async def test_an_objection_to_a_refusal_gets_its_own_number_code_and_thirty_working_days(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    request = await refused_request(service, ledger)
    clock.now = at(date(2026, 3, 23))
    parent_before = await stored(ledger, request.registration_number)

    objection = await object_to(service, request, R.A)

    assert objection.registration_number == "KB/2026/DINKES/000001"
    assert objection.access_code != request.access_code
    assert (objection.opd_slug, objection.routed_by, objection.state) == (
        "dinkes",
        RoutedBy.EXPLICIT,
        S.RECEIVED,
    )
    assert objection.received_at == at(date(2026, 3, 23))
    assert objection.due_date == CALENDAR.add_working_days(date(2026, 3, 23), 30) == date(2026, 5, 4)
    row = await stored(ledger, objection.registration_number)
    assert (row.kind, row.parent_id, row.objection_reason, row.objection_statement) == (
        RequestKind.OBJECTION,
        parent_before.id,
        R.A,
        STATEMENT,
    )
    copied = ("requester_type", "name_enc", "nik_enc", "nik_hash", "address_enc", "phone_enc", "email_enc")
    assert all(getattr(row, column) == getattr(parent_before, column) for column in copied)
    async with ledger.transaction() as tx:
        events = await tx.events(row.id)
        assert [o.registration_number for o in await tx.objections_to(parent_before.id)] == [
            objection.registration_number
        ]
    assert [(e.from_state, e.to_state, e.actor_kind) for e in events] == [
        (None, S.RECEIVED, ActorKind.REQUESTER)
    ]
    # the request itself is left as it was
    assert await stored(ledger, request.registration_number) == parent_before


async def test_reason_c_is_refused_until_the_due_date_passes_and_says_when_it_arises(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    request = await service.submit_information_request(submission())
    clock.now = at(DUE, hour=23)  # the last evening of the due date: not yet overdue

    with pytest.raises(RuleViolation) as refused:
        await object_to(service, request, R.C)

    assert refused.value.key == "OBJECTION_REASON_NOT_ARISEN"
    assert refused.value.rule == "UU KIP Pasal 35(1)"
    assert "reason c (the request was not responded to) does not apply" in refused.value.message
    assert "it arises on 2026-03-31, the day after the due date 2026-03-30" in refused.value.message
    assert refused.value.message.endswith("reasons open now: b")
    assert "timbul pada 2026-03-31" in refused.value.message_id

    clock.now = at(DUE + timedelta(days=1), hour=0)  # 00:00 WIB the day after
    objection = await object_to(service, request, R.C)
    # the refusal wrote nothing: the first objection number is still free
    assert objection.registration_number == "KB/2026/DINKES/000001"


async def test_an_extension_moves_the_day_reason_c_arises(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    request = await service.submit_information_request(submission())
    extended = CALENDAR.add_working_days(date(2026, 3, 13), 17)
    row = await stored(ledger, request.registration_number)
    async with ledger.transaction() as tx:
        await tx.update_request(
            row, state=S.EXTENDED, extension_reason="Arsip di gudang", extended_due_date=extended
        )
    clock.now = at(DUE + timedelta(days=1))
    with pytest.raises(RuleViolation) as refused:
        await object_to(service, request, R.C)
    assert f"the due date {extended.isoformat()}" in refused.value.message

    clock.now = at(extended + timedelta(days=1))
    assert (await object_to(service, request, R.C)).state is S.RECEIVED


async def test_filing_after_the_thirty_working_days_is_refused_but_reason_b_stays_open(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    answered = date(2026, 3, 20)
    request = await refused_request(service, ledger, on=answered)
    last_day = CALENDAR.add_working_days(answered, 30)
    clock.now = at(last_day + timedelta(days=1))

    with pytest.raises(RuleViolation) as refused:
        await object_to(service, request, R.A)

    assert refused.value.key == "OBJECTION_TOO_LATE"
    assert refused.value.rule == "UU KIP Pasal 36(1)"
    assert f"ended on {last_day.isoformat()}" in refused.value.message
    assert (await object_to(service, request, R.B)).registration_number == "KB/2026/DINKES/000001"


async def test_a_late_answer_opens_reason_g(service: RequestService, ledger: Ledger, clock: Clock) -> None:
    request = await service.submit_information_request(submission())
    await answer(ledger, request.registration_number, S.GRANTED, DUE + timedelta(days=2))
    clock.now = at(DUE + timedelta(days=3))
    with pytest.raises(RuleViolation) as refused:
        await object_to(service, request, R.C)
    assert "that is reason g" in refused.value.message
    assert (await object_to(service, request, R.G)).state is S.RECEIVED


async def test_an_outcome_recorded_without_its_time_counts_from_its_history_event(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    request = await service.submit_information_request(submission())
    row = await stored(ledger, request.registration_number)
    answered = date(2026, 3, 20)
    async with ledger.transaction() as tx:  # as an OPD's system reports it: a state, no responded_at
        await tx.update_request(row, state=S.GRANTED)
        await tx.add_event(
            row.id,
            at=at(answered),
            actor_kind=ActorKind.SYSTEM,
            actor_id=None,
            from_state=S.RECEIVED,
            to_state=S.GRANTED,
        )
    last_day = CALENDAR.add_working_days(answered, 30)
    clock.now = at(last_day + timedelta(days=1))
    with pytest.raises(RuleViolation) as refused:
        await object_to(service, request, R.E)
    assert refused.value.key == "OBJECTION_TOO_LATE"
    assert f"ended on {last_day.isoformat()}" in refused.value.message


async def test_a_wrong_code_an_unknown_number_and_bad_input_are_refused_and_write_nothing(
    service: RequestService, ledger: Ledger
) -> None:
    request = await refused_request(service, ledger)

    with pytest.raises(RuleViolation) as wrong:
        await service.submit_objection(request.registration_number, "ABCDEFGHJK", R.A, STATEMENT)
    assert wrong.value.key == "WRONG_ACCESS_CODE"
    with pytest.raises(RequestNotFound):
        await service.submit_objection("PI/2026/DINKES/000999", request.access_code, R.A, STATEMENT)
    with pytest.raises(InvalidInput) as invalid:
        await service.submit_objection("PI-2026-1", request.access_code, R.A, "  ", idempotency_key=" ")
    assert [p.path for p in invalid.value.fields] == ["registrationNumber", "statement", "idempotencyKey"]

    async with ledger.transaction() as tx:
        assert await tx.find_by_registration_number("KB/2026/DINKES/000001") is None


async def test_an_objection_cannot_be_objected_to(service: RequestService, ledger: Ledger) -> None:
    request = await refused_request(service, ledger)
    objection = await object_to(service, request)
    with pytest.raises(RuleViolation) as refused:
        await object_to(service, objection, R.B)
    assert refused.value.key == "OBJECTION_TO_OBJECTION"
    assert "Komisi Informasi" in refused.value.message


async def test_a_second_objection_on_the_same_reason_is_refused_with_the_first_ones_number(
    service: RequestService, ledger: Ledger
) -> None:
    request = await refused_request(service, ledger)
    first = await object_to(service, request, R.A)
    with pytest.raises(RuleViolation) as refused:
        await object_to(service, request, R.A, statement="Sekali lagi: mohon dibuka.")
    assert refused.value.key == "OBJECTION_ALREADY_FILED"
    assert first.registration_number in refused.value.message
    other = await object_to(service, request, R.F)
    assert other.registration_number == "KB/2026/DINKES/000002"


async def test_a_retry_with_the_same_key_gets_the_same_receipt_and_code(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    request = await refused_request(service, ledger)
    first = await object_to(service, request, idempotency_key="keberatan-1")
    clock.now = NOW + timedelta(days=1)
    again = await object_to(service, request, idempotency_key="keberatan-1", statement=f"  {STATEMENT}\n")

    assert again.replayed and not first.replayed
    assert (again.registration_number, again.access_code, again.received_at) == (
        first.registration_number,
        first.access_code,
        first.received_at,
    )
    assert await service.request_status(again.registration_number, again.access_code) is not None
    with pytest.raises(InvalidInput) as reused:
        await object_to(service, request, idempotency_key="keberatan-1", statement="Lain sama sekali.")
    assert [p.path for p in reused.value.fields] == ["idempotencyKey"]
    assert "objection" in reused.value.fields[0].message_en
    # the key alone, without the request's code, never shows the objection's code
    with pytest.raises(RuleViolation) as wrong:
        await service.submit_objection(
            request.registration_number, "ABCDEFGHJK", R.A, STATEMENT, idempotency_key="keberatan-1"
        )
    assert wrong.value.key == "WRONG_ACCESS_CODE"
    async with ledger.transaction() as tx:
        assert await tx.find_by_registration_number("KB/2026/DINKES/000002") is None


async def test_wrong_codes_on_objections_count_toward_the_same_limit(
    make_service: Callable[..., RequestService], ledger: Ledger
) -> None:
    service = make_service(access_code_guard=AccessCodeGuard("2/15 minutes"))
    request = await refused_request(service, ledger)
    for _ in range(2):
        with pytest.raises(RuleViolation):
            await service.submit_objection(request.registration_number, "ABCDEFGHJK", R.A, STATEMENT)
    with pytest.raises(RateLimited):
        await object_to(service, request)  # the right code too, while the number is paused


# -- delivery to the OPD


def decrypted_submission(payload: dict[str, Any], cipher: PersonalDataCipher) -> Submission:
    """What the delivery worker makes of an objection's payload: every ``_enc`` value decrypted."""

    def plain(field: str, token: str | None) -> str | None:
        return None if token is None else cipher.decrypt(field, token)

    requester = payload["requester"]
    return Submission.model_validate(
        {
            "registration_number": payload["registration_number"],
            "kind": payload["kind"],
            "received_at": payload["received_at"],
            "due_date": payload["due_date"],
            "reason": payload["reason"],
            "parent_registration_number": payload["parent_registration_number"],
            "statement": plain(STATEMENT_FIELD, payload["statement_enc"]),
            "requester": {
                "type": requester["type"],
                "occupation": requester["occupation"],
                **{
                    name: plain(name, requester[f"{name}_enc"])
                    for name in ("name", "nik", "legal_entity_number", "address", "phone", "email")
                },
            },
        }
    )


async def test_an_objection_to_an_intake_opd_is_queued_with_what_its_connector_needs(
    service: RequestService, ledger: Ledger, cipher: PersonalDataCipher
) -> None:
    request = await refused_request(service, ledger)
    objection = await object_to(service, request)
    row = await stored(ledger, objection.registration_number)
    async with ledger.transaction() as tx:
        [entry] = await tx.outbox_entries(row.id)

    assert (entry.operation, entry.opd_slug) == (OutboxOperation.SUBMIT_OBJECTION, "dinkes")
    payload = dict(entry.payload)
    for plaintext in (STATEMENT, NIK, NAME, EMAIL, ADDRESS):
        assert plaintext not in repr(payload)
    delivered = decrypted_submission(payload, cipher)
    assert delivered.kind is RequestKind.OBJECTION
    assert (delivered.registration_number, delivered.parent_registration_number) == (
        objection.registration_number,
        request.registration_number,
    )
    assert (delivered.reason, delivered.statement, delivered.due_date) == (R.A, STATEMENT, objection.due_date)
    assert delivered.received_at == objection.received_at
    assert delivered.requester is not None
    assert (delivered.requester.nik, delivered.requester.phone) == (NIK, PHONE_E164)


async def test_an_objection_to_an_opd_without_intake_waits_in_the_inbox(
    service: RequestService, ledger: Ledger
) -> None:
    request = await service.submit_information_request(submission(opd="dindikbud"))
    objection = await object_to(service, request, R.B)
    assert objection.registration_number == "KB/2026/DINDIKBUD/000001"
    row = await stored(ledger, objection.registration_number)
    async with ledger.transaction() as tx:
        assert await tx.outbox_entries(row.id) == []


# -- Cek Status


async def test_status_of_an_objection_shows_it_and_its_request_lists_it(
    service: RequestService, ledger: Ledger
) -> None:
    request = await refused_request(service, ledger)
    objection = await object_to(service, request)

    public = await service.request_status(objection.registration_number)
    assert type(public) is PublicStatus
    assert (public.kind, public.state, public.due_date) == (
        RequestKind.OBJECTION,
        S.RECEIVED,
        objection.due_date,
    )

    detailed = await service.request_status(objection.registration_number, objection.access_code)
    assert isinstance(detailed, DetailedStatus)
    detail = detailed.detail
    assert (detail.parent_registration_number, detail.objection_reason, detail.objection_statement) == (
        request.registration_number,
        R.A,
        STATEMENT,
    )
    assert detail.requester.nik == "3603********0001"
    assert detail.decision is None and detail.objections == ()

    row = await stored(ledger, objection.registration_number)
    async with ledger.transaction() as tx:
        await tx.update_request(
            row,
            state=S.DECIDED,
            decision="Keberatan diterima; informasi dibuka.",
            decided_at=at(date(2026, 3, 27)),
        )
    decided = await service.request_status(objection.registration_number, objection.access_code)
    assert isinstance(decided, DetailedStatus)
    assert (decided.state, decided.detail.decision) == (S.DECIDED, "Keberatan diterima; informasi dibuka.")
    assert decided.detail.decided_at == at(date(2026, 3, 27))

    parent = await service.request_status(request.registration_number, request.access_code)
    assert isinstance(parent, DetailedStatus)
    assert parent.detail.objections == (
        ObjectionSummary(objection.registration_number, R.A, S.DECIDED, objection.due_date),
    )
    assert parent.detail.parent_registration_number is None


# -- disputes


async def filed_objection(service: RequestService, ledger: Ledger, clock: Clock) -> Receipt:
    request = await refused_request(service, ledger)
    clock.now = at(date(2026, 3, 23))
    return await object_to(service, request)


async def decide(ledger: Ledger, number: str, on: date) -> None:
    row = await stored(ledger, number)
    async with ledger.transaction() as tx:
        await tx.update_request(row, state=S.DECIDED, decision="Keberatan ditolak.", decided_at=at(on))


async def test_a_dispute_before_the_answer_or_its_lapse_is_refused(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    objection = await filed_objection(service, ledger, clock)
    clock.now = at(objection.due_date)
    with pytest.raises(RuleViolation) as refused:
        await service.dispute_objection(objection.registration_number, objection.access_code)
    assert refused.value.key == "DISPUTE_BEFORE_LAPSE"
    assert (await stored(ledger, objection.registration_number)).state is S.RECEIVED


async def test_a_decided_objection_can_be_disputed_and_the_date_is_recorded(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    objection = await filed_objection(service, ledger, clock)
    await decide(ledger, objection.registration_number, date(2026, 4, 1))
    clock.now = at(date(2026, 4, 6))

    status = await service.dispute_objection(
        objection.registration_number, objection.access_code, "Register KI Banten 012/2026"
    )

    assert status.state is S.DISPUTED
    assert status.detail.disputed_at == clock.now
    assert [event.state for event in status.history][-1] is S.DISPUTED
    row = await stored(ledger, objection.registration_number)
    assert (row.state, row.disputed_at) == (S.DISPUTED, clock.now)
    async with ledger.transaction() as tx:
        last = (await tx.events(row.id))[-1]
    assert (last.from_state, last.to_state, last.note) == (
        S.DECIDED,
        S.DISPUTED,
        "Register KI Banten 012/2026",
    )
    with pytest.raises(RuleViolation) as twice:
        await service.dispute_objection(objection.registration_number, objection.access_code)
    assert twice.value.key == "TRANSITION_NOT_ALLOWED"


async def test_an_unanswered_objection_can_be_disputed_once_its_thirty_days_lapsed_for_fourteen_more(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    objection = await filed_objection(service, ledger, clock)
    last_day = CALENDAR.add_working_days(objection.due_date, 14)
    clock.now = at(last_day + timedelta(days=1))
    with pytest.raises(RuleViolation) as late:
        await service.dispute_objection(objection.registration_number, objection.access_code)
    assert late.value.key == "DISPUTE_TOO_LATE"
    assert late.value.rule == "UU KIP Pasal 37(2)"
    assert last_day.isoformat() in late.value.message

    clock.now = at(last_day)
    status = await service.dispute_objection(objection.registration_number, objection.access_code)
    assert status.state is S.DISPUTED


async def test_a_dispute_after_fourteen_working_days_from_the_decision_is_refused(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    objection = await filed_objection(service, ledger, clock)
    decided = date(2026, 4, 1)
    await decide(ledger, objection.registration_number, decided)
    clock.now = at(CALENDAR.add_working_days(decided, 14) + timedelta(days=1))
    with pytest.raises(RuleViolation) as late:
        await service.dispute_objection(objection.registration_number, objection.access_code)
    assert late.value.key == "DISPUTE_TOO_LATE"


async def test_only_an_objection_can_be_disputed_and_only_with_its_own_code(
    service: RequestService, ledger: Ledger, clock: Clock
) -> None:
    request = await refused_request(service, ledger)
    objection = await object_to(service, request)
    await decide(ledger, objection.registration_number, date(2026, 3, 24))
    clock.now = at(date(2026, 3, 25))

    with pytest.raises(RuleViolation) as wrong:  # the request's code does not open its objection
        await service.dispute_objection(objection.registration_number, request.access_code)
    assert wrong.value.key == "WRONG_ACCESS_CODE"
    with pytest.raises(RequestNotFound):
        await service.dispute_objection("KB/2026/DINKES/000999", objection.access_code)
    with pytest.raises(InvalidInput) as invalid:
        await service.dispute_objection("KB/2026", objection.access_code, "\x00")
    assert [p.path for p in invalid.value.fields] == ["registrationNumber", "note"]


async def test_a_request_itself_cannot_be_disputed(service: RequestService, ledger: Ledger) -> None:
    request = await refused_request(service, ledger)
    with pytest.raises(RuleViolation) as refused:
        await service.dispute_objection(request.registration_number, request.access_code)
    assert refused.value.key == "DISPUTE_NEEDS_OBJECTION"
