"""The officer desk answers requests, extends deadlines and decides objections, within its OPD and the law."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Unpack

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from connectors import ExemptionGround
from gateway.config import DatabaseConfig
from gateway.identity.errors import InvalidInput
from gateway.kip.errors import RuleViolation
from gateway.kip.vocabulary import RequestState
from gateway.ledger import (
    ActorKind,
    ConcurrentUpdate,
    Ledger,
    LedgerTransaction,
    RequestChanges,
    RequestRow,
)
from gateway.ledger.clock import utc_now
from gateway.ledger.engine import begin, create_ledger_engine
from gateway.officers import Forbidden
from gateway.requests import (
    DetailedStatus,
    OfficerDesk,
    Receipt,
    RequestChangedMeanwhile,
    RequestNotFound,
    RequestService,
    ResponseOutcome,
    UnmaskedRequester,
)

from .conftest import ADDRESS, EMAIL, NAME, NIK, NOW, PHONE, PHONE_E164, Clock, submission
from .officers import (
    ATASAN_DINDIKBUD,
    ATASAN_DINKES,
    PPID_DINDIKBUD,
    PPID_DINKES,
    UTAMA,
    file_objection,
    row_of,
)

FIRST_DUE = date(2026, 3, 30)
"""Ten working days after Friday 13 March 2026, Thursday 19 March being a day off."""
EXTENDED_DUE = date(2026, 4, 8)
"""Seventeen working days after the same receipt."""


async def submitted(service: RequestService) -> Receipt:
    receipt = await service.submit_information_request(submission())
    assert receipt.due_date == FIRST_DUE
    return receipt


def history(status: DetailedStatus) -> list[tuple[RequestState, ActorKind]]:
    return [(event.state, event.actor) for event in status.history]


async def test_an_answer_moves_the_request_through_in_process_and_the_citizen_sees_it(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await submitted(service)
    status = await desk.respond_to_request(
        PPID_DINKES,
        receipt.registration_number,
        ResponseOutcome.GRANTED,
        message="Terlampir laporan realisasi anggaran 2025.",
        attached_document_ids=[" dinkes:lra-2025 ", "dinkes:lra-2025", "dindikbud:12"],
    )
    assert status.state is RequestState.GRANTED
    assert history(status) == [
        (RequestState.RECEIVED, ActorKind.REQUESTER),
        (RequestState.IN_PROCESS, ActorKind.OFFICER),
        (RequestState.GRANTED, ActorKind.OFFICER),
    ]
    row = await row_of(ledger, receipt.registration_number)
    assert row.responded_at == NOW
    assert row.attached_document_ids == ("dinkes:lra-2025", "dindikbud:12")
    async with ledger.transaction() as tx:
        events = await tx.events(row.id)
    assert [event.actor_id for event in events] == [None, "dinkes-ppid", "dinkes-ppid"]

    seen = await service.request_status(receipt.registration_number, receipt.access_code)
    assert isinstance(seen, DetailedStatus)
    assert seen.state is RequestState.GRANTED
    assert seen.detail.outcome_message == "Terlampir laporan realisasi anggaran 2025."
    assert seen.detail.requester.nik == "3603********0001"  # the citizen's own view stays masked


async def test_the_officer_sees_the_requester_in_full_and_the_read_is_audited(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await submitted(service)
    status = await desk.request_detail(PPID_DINKES, receipt.registration_number.lower())
    assert status is not None
    requester = status.detail.requester
    assert isinstance(requester, UnmaskedRequester)
    assert (requester.name, requester.nik, requester.address, requester.email) == (NAME, NIK, ADDRESS, EMAIL)
    assert requester.phone == PHONE_E164
    for plaintext in (NAME, NIK, ADDRESS, EMAIL, PHONE, PHONE_E164):
        assert plaintext not in repr(status)
    await desk.request_detail(UTAMA, receipt.registration_number)

    row = await row_of(ledger, receipt.registration_number)
    async with ledger.transaction() as tx:
        reads = await tx.personal_data_reads(row.id)
    officer_reads = [(read.actor_kind, read.actor_id) for read in reads]
    assert officer_reads == [(ActorKind.OFFICER, "dinkes-ppid"), (ActorKind.PPID_UTAMA, "ppid-utama")]
    assert set(reads[0].fields) == {"name", "nik", "address", "phone", "email"}
    assert "dinkes-ppid" not in reads[1].purpose and "PPID Utama" in reads[1].purpose


async def test_an_unknown_number_is_none_to_read_and_not_found_to_answer(desk: OfficerDesk) -> None:
    assert await desk.request_detail(PPID_DINKES, "PI/2026/DINKES/000999") is None
    with pytest.raises(RequestNotFound):
        await desk.respond_to_request(PPID_DINKES, "PI/2026/DINKES/000999", ResponseOutcome.GRANTED)
    with pytest.raises(InvalidInput) as raised:
        await desk.request_detail(PPID_DINKES, "nomor saya")
    assert [problem.path for problem in raised.value.fields] == ["registrationNumber"]


async def test_another_opds_officer_is_forbidden_and_nothing_changes(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await submitted(service)
    with pytest.raises(Forbidden) as raised:
        await desk.respond_to_request(PPID_DINDIKBUD, receipt.registration_number, ResponseOutcome.GRANTED)
    assert "routed to dinkes; your key is for dindikbud" in raised.value.message
    assert raised.value.message_id and raised.value.extensions["code"] == "FORBIDDEN"
    with pytest.raises(Forbidden):
        await desk.request_detail(PPID_DINDIKBUD, receipt.registration_number)
    with pytest.raises(Forbidden, match="answers requests"):  # the atasan decides objections, not requests
        await desk.respond_to_request(ATASAN_DINKES, receipt.registration_number, ResponseOutcome.GRANTED)
    row = await row_of(ledger, receipt.registration_number)
    assert (row.state, row.version) == (RequestState.RECEIVED, 1)
    async with ledger.transaction() as tx:
        assert await tx.personal_data_reads(row.id) == []


async def test_a_refusal_needs_a_ground_and_reasons_and_a_refused_one_leaves_no_trace(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await submitted(service)
    number = receipt.registration_number
    with pytest.raises(RuleViolation) as raised:
        await desk.respond_to_request(PPID_DINKES, number, ResponseOutcome.REFUSED, message="Dikecualikan.")
    assert raised.value.key == "REFUSAL_WITHOUT_GROUND"
    with pytest.raises(RuleViolation) as raised:
        await desk.respond_to_request(
            PPID_DINKES, number, ResponseOutcome.REFUSED, refusal_ground=ExemptionGround.H, message="  "
        )
    assert raised.value.key == "REASONS_REQUIRED"
    row = await row_of(ledger, number)
    assert row.state is RequestState.RECEIVED  # the take-up was rolled back with the refused answer
    async with ledger.transaction() as tx:
        assert len(await tx.events(row.id)) == 1

    status = await desk.respond_to_request(
        UTAMA,
        number,
        ResponseOutcome.REFUSED,
        refusal_ground=ExemptionGround.H,
        message="Memuat data pribadi pasien (Pasal 17 huruf h).",
    )
    assert status.detail.refusal_ground is ExemptionGround.H
    assert history(status)[-1] == (RequestState.REFUSED, ActorKind.PPID_UTAMA)
    with pytest.raises(RuleViolation) as raised:
        await desk.respond_to_request(PPID_DINKES, number, ResponseOutcome.GRANTED)
    assert raised.value.key == "OUTCOME_IS_FINAL"


async def test_every_field_problem_of_an_answer_is_reported_at_once(desk: OfficerDesk) -> None:
    with pytest.raises(InvalidInput) as raised:
        await desk.respond_to_request(
            PPID_DINKES,
            "PI/2026/DINKES/000001",
            ResponseOutcome.GRANTED,
            message="x" * 5001,
            refusal_ground=ExemptionGround.A,
            holding_body="Badan Pertanahan Nasional",
            attached_document_ids=["dinkes:1", "no-colon", "nowhere:7", "dinkes: "],
        )
    assert [problem.path for problem in raised.value.fields] == [
        "message",
        "refusalGround",
        "holdingBody",
        "attachedDocumentIds[1]",
        "attachedDocumentIds[2]",
        "attachedDocumentIds[3]",
    ]
    for problem in raised.value.fields:
        assert problem.message_en and problem.message_id


async def test_not_held_names_the_body_that_holds_it(service: RequestService, desk: OfficerDesk) -> None:
    receipt = await submitted(service)
    status = await desk.respond_to_request(
        PPID_DINKES, receipt.registration_number, ResponseOutcome.NOT_HELD, holding_body=" BPN  Banten "
    )
    assert (status.state, status.detail.holding_body) == (RequestState.NOT_HELD, "BPN Banten")


async def test_an_extension_adds_seven_working_days_from_receipt_once(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await submitted(service)
    number = receipt.registration_number
    status = await desk.extend_request_deadline(PPID_DINKES, number, "Data tersebar di 8 puskesmas.")
    assert (status.state, status.due_date) == (RequestState.EXTENDED, EXTENDED_DUE)
    assert status.detail.extension_reason == "Data tersebar di 8 puskesmas."
    assert [event.state for event in status.history] == [
        RequestState.RECEIVED,
        RequestState.IN_PROCESS,
        RequestState.EXTENDED,
    ]
    row = await row_of(ledger, number)
    assert (row.due_date, row.extended_due_date, row.extended_at) == (FIRST_DUE, EXTENDED_DUE, NOW)
    public = await service.request_status(number)
    assert public is not None and public.due_date == EXTENDED_DUE

    with pytest.raises(RuleViolation) as raised:
        await desk.extend_request_deadline(UTAMA, number, "Sekali lagi.")
    assert raised.value.key == "EXTENSION_ALREADY_USED"
    assert "UU KIP Pasal 22" in raised.value.extensions["message_id"]
    answered = await desk.respond_to_request(PPID_DINKES, number, ResponseOutcome.GRANTED)
    assert answered.state is RequestState.GRANTED  # an extended request is answered as any other


@pytest.mark.parametrize(
    ("reason", "days", "key"),
    [
        ("", 7, "REASONS_REQUIRED"),
        ("Butuh waktu.", 8, "EXTENSION_TOO_LONG"),
        ("Butuh waktu.", 0, "EXTENSION_TOO_SHORT"),
    ],
)
async def test_an_extension_needs_reasons_and_at_most_seven_days(
    service: RequestService, desk: OfficerDesk, reason: str, days: int, key: str
) -> None:
    receipt = await submitted(service)
    with pytest.raises(RuleViolation) as raised:
        await desk.extend_request_deadline(
            PPID_DINKES, receipt.registration_number, reason, working_days=days
        )
    assert raised.value.key == key


async def test_a_shorter_extension_counts_its_own_days(service: RequestService, desk: OfficerDesk) -> None:
    receipt = await submitted(service)
    number = receipt.registration_number
    status = await desk.extend_request_deadline(PPID_DINKES, number, "Dua hari.", working_days=2)
    assert status.due_date == date(2026, 4, 1)


async def test_a_deadline_that_passed_cannot_be_extended(
    service: RequestService, desk: OfficerDesk, clock: Clock
) -> None:
    receipt = await submitted(service)
    clock.now = NOW + timedelta(days=20)  # 2 April: past the due date of 30 March
    with pytest.raises(RuleViolation) as raised:
        await desk.extend_request_deadline(PPID_DINKES, receipt.registration_number, "Terlambat.")
    assert raised.value.key == "EXTENSION_AFTER_DEADLINE"
    overdue = await desk.request_detail(PPID_DINKES, receipt.registration_number)
    assert overdue is not None and overdue.overdue


async def test_only_the_atasan_of_the_opd_or_ppid_utama_decides_an_objection(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await submitted(service)
    objection = await file_objection(ledger, receipt.registration_number)
    with pytest.raises(Forbidden, match="atasan PPID of dinkes or PPID Utama decides objections"):
        await desk.decide_objection(PPID_DINKES, objection, "Keberatan diterima.")
    with pytest.raises(Forbidden, match="routed to dinkes"):
        await desk.decide_objection(ATASAN_DINDIKBUD, objection, "Keberatan diterima.")
    with pytest.raises(RuleViolation) as raised:
        await desk.decide_objection(ATASAN_DINKES, objection, " ")
    assert raised.value.key == "REASONS_REQUIRED"

    decision = "Keberatan diterima; PPID menjawab dalam 3 hari."
    status = await desk.decide_objection(ATASAN_DINKES, objection, decision)
    assert status.state is RequestState.DECIDED
    assert status.detail.decision == decision
    assert status.detail.parent_registration_number == receipt.registration_number
    assert isinstance(status.detail.requester, UnmaskedRequester) and status.detail.requester.nik == NIK
    assert history(status) == [
        (RequestState.RECEIVED, ActorKind.REQUESTER),
        (RequestState.IN_PROCESS, ActorKind.OFFICER),
        (RequestState.DECIDED, ActorKind.OFFICER),
    ]
    row = await row_of(ledger, objection)
    assert (row.decided_at, row.state) == (NOW, RequestState.DECIDED)
    with pytest.raises(RuleViolation) as raised:
        await desk.decide_objection(UTAMA, objection, "Sekali lagi.")
    assert raised.value.key == "TRANSITION_NOT_ALLOWED"


async def test_a_request_is_not_decided_and_an_objection_is_not_answered(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await submitted(service)
    objection = await file_objection(ledger, receipt.registration_number)
    with pytest.raises(RuleViolation) as raised:
        await desk.decide_objection(UTAMA, receipt.registration_number, "Diputus.")
    assert raised.value.key == "TRANSITION_NOT_ALLOWED"
    with pytest.raises(RuleViolation) as raised:
        await desk.respond_to_request(UTAMA, objection, ResponseOutcome.GRANTED)
    assert raised.value.key == "TRANSITION_NOT_ALLOWED"


async def test_two_officers_at_once_one_answers_and_the_other_is_told_why_not(
    service: RequestService, make_desk: Callable[..., OfficerDesk], ledger: Ledger
) -> None:
    receipt = await submitted(service)
    number = receipt.registration_number
    results = await asyncio.gather(
        make_desk().respond_to_request(PPID_DINKES, number, ResponseOutcome.GRANTED),
        make_desk().extend_request_deadline(UTAMA, number, "Perlu koordinasi."),
        return_exceptions=True,
    )
    succeeded = [result for result in results if isinstance(result, DetailedStatus)]
    refused = [result for result in results if isinstance(result, RuleViolation)]
    assert len(succeeded) == 1 and len(refused) == 1, results
    row = await row_of(ledger, number)
    assert row.state is succeeded[0].state
    async with ledger.transaction() as tx:
        steps = [event.to_state for event in await tx.events(row.id)]
    assert steps.count(RequestState.IN_PROCESS) == 1


class CollidingTransaction(LedgerTransaction):
    """A transaction whose request updates meet a concurrent change while its ledger has collisions left."""

    def __init__(self, connection: AsyncConnection, ledger: CollidingLedger) -> None:
        super().__init__(connection, utc_now)
        self._ledger = ledger

    async def update_request(self, row: RequestRow, /, **changes: Unpack[RequestChanges]) -> RequestRow:
        if self._ledger.collisions > 0:
            self._ledger.collisions -= 1
            raise ConcurrentUpdate(row.id, row.version)
        return await super().update_request(row, **changes)


class CollidingLedger(Ledger):
    """The test's database, where the first ``collisions`` request updates collide."""

    def __init__(self, database_url: str, collisions: int) -> None:
        super().__init__(create_ledger_engine(DatabaseConfig(url=database_url)))
        self.collisions = collisions

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[LedgerTransaction]:
        async with begin(self._engine) as connection:
            yield CollidingTransaction(connection, self)


async def test_an_act_is_read_again_and_redone_once_after_a_concurrent_change(
    service: RequestService, make_desk: Callable[..., OfficerDesk], ledger: Ledger, database_url: str
) -> None:
    receipt = await submitted(service)
    async with CollidingLedger(database_url, collisions=1) as once:
        status = await make_desk(ledger=once).respond_to_request(
            PPID_DINKES, receipt.registration_number, ResponseOutcome.GRANTED
        )
    assert status.state is RequestState.GRANTED and once.collisions == 0

    other = await service.submit_information_request(submission())
    async with CollidingLedger(database_url, collisions=2) as twice:
        with pytest.raises(RequestChangedMeanwhile) as raised:
            await make_desk(ledger=twice).respond_to_request(
                PPID_DINKES, other.registration_number, ResponseOutcome.GRANTED
            )
    assert raised.value.extensions["code"] == "CONFLICT" and raised.value.extensions["message_id"]
    assert (await row_of(ledger, other.registration_number)).state is RequestState.RECEIVED


async def test_the_desk_logs_who_acted_and_no_personal_data(
    service: RequestService, desk: OfficerDesk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receipt = await submitted(service)
    await desk.request_detail(PPID_DINKES, receipt.registration_number)
    await desk.extend_request_deadline(PPID_DINKES, receipt.registration_number, "Data di 8 puskesmas.")
    await desk.respond_to_request(PPID_DINKES, receipt.registration_number, ResponseOutcome.GRANTED)
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert "dinkes-ppid" in logged and receipt.registration_number in logged
    for plaintext in (NAME, NIK, ADDRESS, EMAIL, PHONE, PHONE_E164, receipt.access_code):
        assert plaintext not in logged
