"""PPID Utama forwards a request to another OPD: the history says so, and the deliveries follow it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.errors import InvalidInput
from gateway.kip.errors import RuleViolation
from gateway.kip.roles import OfficerRole
from gateway.kip.vocabulary import RequestState, RoutedBy
from gateway.ledger import ActorKind, Ledger, OutboxOperation, OutboxRow, OutboxStatus
from gateway.officers import Forbidden, Officer
from gateway.requests import OfficerDesk, RequestService, ResponseOutcome

from .conftest import NOW, submission
from .officers import PPID_DINDIKBUD, PPID_DINKES, UTAMA, file_objection, row_of

LEASE = timedelta(seconds=30)
PPID_DISKOMINFO = Officer(
    id="diskominfo-ppid", name="PPID Diskominfo", role=OfficerRole.PPID, opd_slug="diskominfo"
)
REASON = "Data kesehatan dikelola Dinas Kesehatan"


async def entries(ledger: Ledger, number: str) -> list[tuple[str, OutboxOperation, OutboxStatus]]:
    """The request's deliveries: (OPD, operation, status), in the order queued."""
    return [(e.opd_slug, e.operation, e.status) for e in await outbox_rows(ledger, number)]


async def outbox_rows(ledger: Ledger, number: str) -> list[OutboxRow]:
    row = await row_of(ledger, number)
    async with ledger.transaction() as tx:
        return await tx.outbox_entries(row.id)


async def delivered_to_dinkes(service: RequestService, ledger: Ledger, reference: str = "DK-17") -> str:
    """A request to Dinkes, delivered to its system (which gave ``reference``); its number."""
    receipt = await service.submit_information_request(submission())
    [entry] = await ledger.outbox.claim_due("worker-1", limit=10, now=NOW, lease=LEASE)
    await ledger.outbox.mark_delivered(entry.id, "worker-1", upstream_reference=reference, now=NOW)
    assert (await row_of(ledger, receipt.registration_number)).upstream_reference == reference
    return receipt.registration_number


async def test_ppid_utama_forwards_a_request_and_the_new_opd_receives_it(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission(opd=None))
    assert (receipt.opd_slug, receipt.routed_by) == ("diskominfo", RoutedBy.DEFAULT)
    number = receipt.registration_number

    status = await desk.reroute_request(UTAMA, number, " Dinkes ", REASON)
    assert (status.opd_slug, status.state) == ("dinkes", RequestState.RECEIVED)
    assert status.due_date == receipt.due_date  # a forward does not restart the clock
    assert [(event.state, event.actor) for event in status.history] == [
        (RequestState.RECEIVED, ActorKind.REQUESTER),
        (RequestState.RECEIVED, ActorKind.PPID_UTAMA),
    ]
    row = await row_of(ledger, number)
    assert (row.opd_slug, row.routed_by) == ("dinkes", RoutedBy.DEFAULT)
    async with ledger.transaction() as tx:
        last = (await tx.events(row.id))[-1]
    assert (last.actor_id, last.note) == ("ppid-utama", f"rerouted from diskominfo to dinkes: {REASON}")
    [delivery] = await outbox_rows(ledger, number)
    assert (delivery.opd_slug, delivery.operation, delivery.payload["opd_slug"]) == (
        "dinkes",
        OutboxOperation.SUBMIT_REQUEST,
        "dinkes",
    )
    public = await service.request_status(number)
    assert public is not None and public.opd_slug == "dinkes"

    # the OPD it left no longer acts on it; the new one does
    with pytest.raises(Forbidden, match="routed to dinkes"):
        await desk.respond_to_request(PPID_DISKOMINFO, number, ResponseOutcome.GRANTED)
    answered = await desk.respond_to_request(PPID_DINKES, number, ResponseOutcome.GRANTED)
    assert answered.state is RequestState.GRANTED


async def test_a_delivery_never_attempted_is_dropped_and_the_first_opd_never_hears_of_it(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    assert await entries(ledger, receipt.registration_number) == [
        ("dinkes", OutboxOperation.SUBMIT_REQUEST, OutboxStatus.PENDING)
    ]
    await desk.reroute_request(UTAMA, receipt.registration_number, "dindikbud", "Urusan sekolah")
    assert await entries(ledger, receipt.registration_number) == []  # Dindikbud takes no requests either


async def test_an_opd_that_may_hold_the_request_is_told_to_withdraw_it(
    service: RequestService, desk: OfficerDesk, ledger: Ledger, cipher: PersonalDataCipher
) -> None:
    number = await delivered_to_dinkes(service, ledger)
    status = await desk.reroute_request(UTAMA, number, "diskominfo", "Bukan data kesehatan")
    assert status.opd_slug == "diskominfo"
    rows = await outbox_rows(ledger, number)
    assert [(e.opd_slug, e.operation, e.status) for e in rows] == [
        ("dinkes", OutboxOperation.SUBMIT_REQUEST, OutboxStatus.DELIVERED),
        ("dinkes", OutboxOperation.CANCEL, OutboxStatus.PENDING),
    ]
    told = cipher.decrypt("cancel_reason", rows[1].payload["reason_enc"])
    assert "Dinas Kominfo" in told and "Bukan data kesehatan" in told
    assert rows[1].payload["registration_number"] == number
    assert (await row_of(ledger, number)).upstream_reference is None  # Dinkes's number is not Diskominfo's


async def test_a_delivery_being_retried_is_followed_by_the_withdrawal(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    [entry] = await ledger.outbox.claim_due("worker-1", limit=10, now=NOW, lease=LEASE)
    await ledger.outbox.mark_retry(entry.id, "worker-1", error="timeout", next_attempt_at=NOW + LEASE)
    await desk.reroute_request(UTAMA, receipt.registration_number, "dindikbud", "Urusan sekolah")
    assert await entries(ledger, receipt.registration_number) == [
        ("dinkes", OutboxOperation.SUBMIT_REQUEST, OutboxStatus.PENDING),
        ("dinkes", OutboxOperation.CANCEL, OutboxStatus.PENDING),
    ]


async def test_a_delivery_in_flight_when_forwarded_does_not_give_the_request_the_old_opds_number(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    [entry] = await ledger.outbox.claim_due("worker-1", limit=10, now=NOW, lease=LEASE)
    await desk.reroute_request(UTAMA, receipt.registration_number, "dindikbud", "Urusan sekolah")
    await ledger.outbox.mark_delivered(entry.id, "worker-1", upstream_reference="DK-18", now=NOW)
    assert (await row_of(ledger, receipt.registration_number)).upstream_reference is None


async def test_a_given_up_delivery_needs_no_withdrawal(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    [entry] = await ledger.outbox.claim_due("worker-1", limit=10, now=NOW, lease=LEASE)
    await ledger.outbox.mark_failed_permanently(entry.id, "worker-1", error="rejected")
    await desk.reroute_request(UTAMA, receipt.registration_number, "dindikbud", "Urusan sekolah")
    assert await entries(ledger, receipt.registration_number) == [
        ("dinkes", OutboxOperation.SUBMIT_REQUEST, OutboxStatus.FAILED_PERMANENTLY)
    ]


async def test_back_to_the_first_opd_before_its_withdrawal_left_it_keeps_the_request(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    number = await delivered_to_dinkes(service, ledger)
    await desk.reroute_request(UTAMA, number, "diskominfo", "Salah kirim")
    await desk.reroute_request(UTAMA, number, "dinkes", "Ternyata memang Dinkes")
    assert await entries(ledger, number) == [
        ("dinkes", OutboxOperation.SUBMIT_REQUEST, OutboxStatus.DELIVERED)
    ]
    row = await row_of(ledger, number)
    assert (row.opd_slug, row.upstream_reference) == ("dinkes", "DK-17")


async def test_back_to_an_opd_that_withdrew_it_is_answered_from_the_gateways_inbox(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    number = await delivered_to_dinkes(service, ledger)
    await desk.reroute_request(UTAMA, number, "diskominfo", "Salah kirim")
    await ledger.outbox.claim_due("worker-1", limit=10, now=NOW, lease=LEASE)  # the CANCEL is on its way
    await desk.reroute_request(UTAMA, number, "dinkes", "Ternyata memang Dinkes")
    assert await entries(ledger, number) == [
        ("dinkes", OutboxOperation.SUBMIT_REQUEST, OutboxStatus.DELIVERED),
        ("dinkes", OutboxOperation.CANCEL, OutboxStatus.PENDING),
    ]
    row = await row_of(ledger, number)
    assert (row.opd_slug, row.upstream_reference) == ("dinkes", None)
    page = await desk.inbox(PPID_DINKES)
    assert [edge.item.registration_number for edge in page.edges] == [number]


async def test_a_cancellation_after_a_forward_goes_to_the_opd_that_has_the_request(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission(opd="diskominfo"))
    number = receipt.registration_number
    await desk.reroute_request(UTAMA, number, "dinkes", REASON)
    status = await service.cancel_request(number, receipt.access_code, "Sudah dapat")
    assert status.state is RequestState.CANCELLED
    assert await entries(ledger, number) == [
        ("dinkes", OutboxOperation.SUBMIT_REQUEST, OutboxStatus.PENDING),
        ("dinkes", OutboxOperation.CANCEL, OutboxStatus.PENDING),
    ]


async def test_a_cancellation_after_the_first_opd_was_told_to_withdraw_sends_nothing_more(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    number = receipt.registration_number
    [entry] = await ledger.outbox.claim_due("worker-1", limit=10, now=NOW, lease=LEASE)
    await ledger.outbox.mark_delivered(entry.id, "worker-1", upstream_reference="DK-19", now=NOW)
    await desk.reroute_request(UTAMA, number, "diskominfo", "Bukan data kesehatan")
    await service.cancel_request(number, receipt.access_code)
    # Diskominfo takes no requests, and Dinkes was told already
    assert await entries(ledger, number) == [
        ("dinkes", OutboxOperation.SUBMIT_REQUEST, OutboxStatus.DELIVERED),
        ("dinkes", OutboxOperation.CANCEL, OutboxStatus.PENDING),
    ]


async def test_only_ppid_utama_forwards_and_only_an_open_request(
    service: RequestService, desk: OfficerDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    number = receipt.registration_number
    with pytest.raises(Forbidden, match="only PPID Utama forwards"):
        await desk.reroute_request(PPID_DINKES, number, "dindikbud", "Urusan sekolah")
    with pytest.raises(Forbidden):
        await desk.reroute_request(PPID_DINDIKBUD, number, "dindikbud", "Urusan sekolah")
    objection = await file_objection(ledger, number)
    with pytest.raises(RuleViolation) as raised:
        await desk.reroute_request(UTAMA, objection, "dindikbud", "Urusan sekolah")
    assert raised.value.key == "REROUTE_OF_OBJECTION"
    await desk.respond_to_request(PPID_DINKES, number, ResponseOutcome.GRANTED)
    with pytest.raises(RuleViolation) as raised:
        await desk.reroute_request(UTAMA, number, "dindikbud", "Urusan sekolah")
    assert raised.value.key == "REROUTE_AFTER_OUTCOME"
    assert raised.value.message_id


async def test_a_forward_needs_another_known_opd_and_a_reason(
    service: RequestService, desk: OfficerDesk
) -> None:
    receipt = await service.submit_information_request(submission())
    number = receipt.registration_number
    with pytest.raises(InvalidInput) as raised:
        await desk.reroute_request(UTAMA, number, "nowhere", " ")
    assert [problem.path for problem in raised.value.fields] == ["opd", "reason"]
    with pytest.raises(InvalidInput) as raised:
        await desk.reroute_request(UTAMA, number, "dinkes", REASON)
    [problem] = raised.value.fields
    assert problem.path == "opd" and "already routed to Dinas Kesehatan" in problem.message_en
