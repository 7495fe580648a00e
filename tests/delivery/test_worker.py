"""The outbox worker against a ledger on each backend and an OPD double that keeps what it receives."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from connectors import (
    Capability,
    MockCall,
    MockConnector,
    OpdRef,
    SubmissionOperation,
    SubmissionRejected,
    UpstreamBadResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.config import DeliveryConfig
from gateway.delivery import DeliveryWorker
from gateway.identity.crypto import PersonalDataCipher
from gateway.kip.vocabulary import ObjectionReason, RequestKind, RequestState
from gateway.ledger import ActorKind, Ledger, OutboxBacklog, OutboxOperation, OutboxStatus
from gateway.requests import RequestService
from tests.requests.conftest import ADDRESS, EMAIL, NIK, PHONE_E164, Clock, submission

from .conftest import IntakeDesk

pytestmark = pytest.mark.asyncio


async def entries(ledger: Ledger, number: str) -> list:
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(number)
        assert row is not None
        return await tx.outbox_entries(row.id)


async def request_row(ledger: Ledger, number: str):
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(number)
        assert row is not None
        return row, await tx.events(row.id)


async def test_a_request_is_delivered_once_with_its_requester_in_plain_text(
    service: RequestService, make_worker: Callable[..., DeliveryWorker], desk: IntakeDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission(document_id="dinkes:sk-2025-01"))

    done = await make_worker().run_once()

    assert (done.claimed, done.delivered, done.retried, done.failed) == (1, 1, 0, 0)
    [delivered] = desk.deliveries
    assert delivered.registration_number == receipt.registration_number
    assert delivered.requester is not None
    assert (delivered.requester.nik, delivered.requester.phone) == (NIK, PHONE_E164)
    assert (delivered.requester.email, delivered.requester.address) == (EMAIL, ADDRESS)
    assert delivered.document_local_id == "sk-2025-01"
    assert delivered.due_date == receipt.due_date
    [entry] = await entries(ledger, receipt.registration_number)
    assert entry.status is OutboxStatus.DELIVERED
    assert entry.upstream_reference == desk.reference(receipt.registration_number)
    row, events = await request_row(ledger, receipt.registration_number)
    assert row.upstream_reference == entry.upstream_reference
    assert row.state is RequestState.IN_PROCESS
    assert [(e.to_state, e.actor_kind) for e in events] == [
        (RequestState.RECEIVED, ActorKind.REQUESTER),
        (RequestState.IN_PROCESS, ActorKind.SYSTEM),
    ]
    # nothing is due any more: a second pass delivers nothing
    assert (await make_worker().run_once()).claimed == 0
    assert len(desk.deliveries) == 1


async def test_a_request_to_an_opd_without_intake_is_not_queued(
    service: RequestService, make_worker: Callable[..., DeliveryWorker], desk: IntakeDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission(opd="dindikbud"))
    assert await entries(ledger, receipt.registration_number) == []
    assert (await make_worker().run_once()).claimed == 0


@pytest.mark.parametrize(
    "failure",
    [
        UpstreamUnavailable("HTTP 503", status_code=503),
        UpstreamTimeout("no answer in 3 s"),
        UpstreamBadResponse("not JSON"),
        UpstreamUnavailable("HTTP 401: the OPD refuses our credentials", status_code=401),
    ],
    ids=["unavailable", "timeout", "garbage", "credentials"],
)
async def test_a_failure_that_may_pass_is_retried_after_a_growing_wait(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    desk: IntakeDesk,
    ledger: Ledger,
    clock: Clock,
    failure: Exception,
) -> None:
    receipt = await service.submit_information_request(submission())
    desk.failures = [failure, failure]
    worker = make_worker()

    first = await worker.run_once()
    assert (first.retried, first.delivered) == (1, 0)
    [entry] = await entries(ledger, receipt.registration_number)
    wait = entry.next_attempt_at - clock.now
    assert timedelta(seconds=10) <= wait <= timedelta(seconds=12)  # base 10 s, up to 20 % jitter
    assert entry.last_error is not None and type(failure).__name__ in entry.last_error
    assert (await worker.run_once()).claimed == 0  # not due yet

    clock.now = entry.next_attempt_at
    assert (await worker.run_once()).retried == 1
    [entry] = await entries(ledger, receipt.registration_number)
    assert timedelta(seconds=20) <= entry.next_attempt_at - clock.now <= timedelta(seconds=24)

    clock.now = entry.next_attempt_at
    assert (await worker.run_once()).delivered == 1
    [entry] = await entries(ledger, receipt.registration_number)
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.DELIVERED, 3, None)
    assert len(desk.received) == 1


async def test_a_refusal_for_good_is_not_retried_and_the_request_stays_in_the_inbox(
    service: RequestService, make_worker: Callable[..., DeliveryWorker], desk: IntakeDesk, ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    desk.failures = [SubmissionRejected("HTTP 422: nik: tidak valid", "nik", status_code=422)]

    done = await make_worker().run_once()

    assert (done.failed, done.retried) == (1, 0)
    [entry] = await entries(ledger, receipt.registration_number)
    assert entry.status is OutboxStatus.FAILED_PERMANENTLY
    assert "SubmissionRejected" in (entry.last_error or "")
    row, _ = await request_row(ledger, receipt.registration_number)
    assert row.state is RequestState.RECEIVED  # officers answer it through the gateway


async def test_attempts_run_out_after_max_attempts(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    desk: IntakeDesk,
    ledger: Ledger,
    clock: Clock,
    delivery_config: DeliveryConfig,
) -> None:
    receipt = await service.submit_information_request(submission())
    desk.failures = [UpstreamUnavailable("down")] * 10
    worker = make_worker()
    for _ in range(delivery_config.max_attempts):
        await worker.run_once()
        clock.now += timedelta(hours=1)
    [entry] = await entries(ledger, receipt.registration_number)
    assert entry.status is OutboxStatus.FAILED_PERMANENTLY
    assert entry.attempts == delivery_config.max_attempts
    assert entry.last_error is not None and entry.last_error.startswith("gave up after 4 attempts")
    assert len(desk.deliveries) == delivery_config.max_attempts


async def test_an_opd_that_no_longer_takes_requests_gets_nothing(
    service: RequestService, make_worker: Callable[..., DeliveryWorker], ledger: Ledger
) -> None:
    receipt = await service.submit_information_request(submission())
    reads_only = MockConnector(lambda call: None, opd=OpdRef(slug="dinkes", name="Dinas Kesehatan"))

    done = await make_worker(connectors={"dinkes": reads_only}).run_once()

    assert done.failed == 1 and reads_only.calls == []
    [entry] = await entries(ledger, receipt.registration_number)
    assert entry.status is OutboxStatus.FAILED_PERMANENTLY
    assert "no longer takes requests" in (entry.last_error or "")


async def test_without_the_personal_data_key_the_entry_waits(
    service: RequestService,
    ledger: Ledger,
    dinkes: MockConnector,
    delivery_config: DeliveryConfig,
    clock: Clock,
    desk: IntakeDesk,
) -> None:
    receipt = await service.submit_information_request(submission())
    other_key = PersonalDataCipher(bytes(range(1, 33)))
    worker = DeliveryWorker(ledger, other_key, {"dinkes": dinkes}.get, delivery_config, clock=clock)

    assert (await worker.run_once()).retried == 1
    assert desk.deliveries == []
    [entry] = await entries(ledger, receipt.registration_number)
    assert entry.status is OutboxStatus.PENDING
    assert "personal-data key" in (entry.last_error or "")


async def test_a_connector_bug_is_retried_and_logged(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    desk: IntakeDesk,
    ledger: Ledger,
    caplog: pytest.LogCaptureFixture,
) -> None:
    receipt = await service.submit_information_request(submission())
    desk.failures = [ZeroDivisionError("division by zero")]
    assert (await make_worker().run_once()).retried == 1
    [entry] = await entries(ledger, receipt.registration_number)
    assert entry.last_error == "the connector failed unexpectedly (ZeroDivisionError)"
    assert any(record.exc_info for record in caplog.records)


async def test_a_hanging_opd_is_given_up_on_after_the_attempt_timeout(
    service: RequestService,
    ledger: Ledger,
    cipher: PersonalDataCipher,
    clock: Clock,
) -> None:
    receipt = await service.submit_information_request(submission())

    async def hang(call: object) -> None:
        await asyncio.sleep(60)

    slow = MockConnector(
        hang,
        opd=OpdRef(slug="dinkes", name="Dinas Kesehatan"),
        capabilities=frozenset({Capability.REQUEST_INTAKE}),
    )
    config = DeliveryConfig(attempt_timeout_s=0.05, lease_s=10)
    worker = DeliveryWorker(ledger, cipher, {"dinkes": slow}.get, config, clock=clock)
    assert (await worker.run_once()).retried == 1
    [entry] = await entries(ledger, receipt.registration_number)
    assert entry.last_error == "no answer within 0.05 s"


async def test_a_worker_that_dies_after_the_opd_stored_the_request_leaves_it_to_the_next(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    desk: IntakeDesk,
    dinkes: MockConnector,
    ledger: Ledger,
    clock: Clock,
    delivery_config: DeliveryConfig,
) -> None:
    """The OPD stored the request but worker A never recorded it: B delivers again, the OPD keeps one."""
    receipt = await service.submit_information_request(submission())
    stored = asyncio.Event()

    async def store_then_hang(call: MockCall) -> object:
        desk.handle(call)
        stored.set()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    dying = MockConnector(store_then_hang, opd=dinkes.opd, capabilities=dinkes.capabilities)
    worker_a = asyncio.create_task(make_worker("worker-a", connectors={"dinkes": dying}).run_once())
    await stored.wait()
    worker_a.cancel()  # the process dies here
    with pytest.raises(asyncio.CancelledError):
        await worker_a

    assert (await make_worker("worker-b").run_once()).claimed == 0  # A's lease still holds
    clock.now += timedelta(seconds=delivery_config.lease_s)
    done = await make_worker("worker-b").run_once()

    assert done.delivered == 1
    assert len(desk.deliveries) == 2 and len(desk.received) == 1
    [entry] = await entries(ledger, receipt.registration_number)
    assert (entry.status, entry.claimed_by, entry.attempts) == (OutboxStatus.DELIVERED, "worker-b", 2)


async def test_a_cancellation_follows_the_request_with_the_opds_reference(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    desk: IntakeDesk,
    ledger: Ledger,
    clock: Clock,
) -> None:
    receipt = await service.submit_information_request(submission())
    desk.failures = [UpstreamUnavailable("down")]
    worker = make_worker()
    await worker.run_once()  # the request's delivery fails once
    await service.cancel_request(receipt.registration_number, receipt.access_code, "Sudah tidak diperlukan")

    clock.now += timedelta(seconds=1)
    await worker.run_once()  # the cancellation is due, but waits for the request
    [request_entry, cancel_entry] = await entries(ledger, receipt.registration_number)
    assert cancel_entry.operation is OutboxOperation.CANCEL and cancel_entry.status is OutboxStatus.PENDING
    assert cancel_entry.last_error == "waiting for the request itself to be delivered first"
    assert desk.cancelled == []

    for _ in range(3):
        clock.now += timedelta(minutes=1)
        await worker.run_once()

    [request_entry, cancel_entry] = await entries(ledger, receipt.registration_number)
    assert request_entry.status is cancel_entry.status is OutboxStatus.DELIVERED
    assert desk.cancelled == [receipt.registration_number]
    cancel = desk.deliveries[-1]
    assert cancel.operation is SubmissionOperation.CANCEL
    assert cancel.reference == desk.reference(receipt.registration_number)
    assert cancel.cancel_reason == "Sudah tidak diperlukan"
    row, _ = await request_row(ledger, receipt.registration_number)
    assert row.state is RequestState.CANCELLED  # delivery does not move a cancelled request


async def test_a_cancellation_of_a_request_the_opd_never_got_is_given_up(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    desk: IntakeDesk,
    ledger: Ledger,
    clock: Clock,
) -> None:
    receipt = await service.submit_information_request(submission())
    desk.failures = [SubmissionRejected("HTTP 422: rejected")]
    await service.cancel_request(receipt.registration_number, receipt.access_code)
    worker = make_worker()
    await worker.run_once()
    clock.now += timedelta(minutes=1)
    await worker.run_once()
    statuses = [entry.status for entry in await entries(ledger, receipt.registration_number)]
    assert statuses == [OutboxStatus.FAILED_PERMANENTLY, OutboxStatus.FAILED_PERMANENTLY]
    assert desk.cancelled == []


async def test_the_run_loop_delivers_until_stopped(
    service: RequestService, make_worker: Callable[..., DeliveryWorker], desk: IntakeDesk
) -> None:
    receipts = [await service.submit_information_request(submission()) for _ in range(25)]
    stop = asyncio.Event()
    runner = asyncio.create_task(make_worker().run(stop))
    all_received = asyncio.Event()
    desk.on_receive = lambda: len(desk.received) == len(receipts) and all_received.set()
    await asyncio.wait_for(all_received.wait(), timeout=20)
    stop.set()
    await asyncio.wait_for(runner, timeout=5)
    assert sorted(desk.received) == sorted(r.registration_number for r in receipts)
    assert len(desk.deliveries) == 25  # three batches of at most ten, none twice


async def test_the_backlog_counts_pending_and_given_up_entries(
    service: RequestService, make_worker: Callable[..., DeliveryWorker], desk: IntakeDesk, ledger: Ledger
) -> None:
    assert await ledger.outbox.backlog() == OutboxBacklog(0, 0, None)
    first = await service.submit_information_request(submission())
    await service.submit_information_request(submission())
    backlog = await ledger.outbox.backlog()
    assert (backlog.pending, backlog.failed) == (2, 0)
    assert backlog.oldest_pending_since == first.received_at
    desk.failures = [SubmissionRejected("HTTP 422"), UpstreamUnavailable("down")]
    await make_worker().run_once()
    backlog = await ledger.outbox.backlog()
    assert (backlog.pending, backlog.failed) == (1, 1)


async def test_an_objection_is_delivered_with_its_reason_statement_and_request(
    service: RequestService, make_worker: Callable[..., DeliveryWorker], desk: IntakeDesk
) -> None:
    request = await service.submit_information_request(submission())
    await make_worker().run_once()
    objection = await service.submit_objection(
        request.registration_number,
        request.access_code,
        ObjectionReason.B,
        "Daftar informasi berkala Dinkes belum diumumkan di situsnya.",
    )

    assert (await make_worker().run_once()).delivered == 1
    delivered = desk.received[objection.registration_number]
    assert delivered.kind is RequestKind.OBJECTION
    assert delivered.reason is ObjectionReason.B
    assert delivered.parent_registration_number == request.registration_number
    assert delivered.statement == "Daftar informasi berkala Dinkes belum diumumkan di situsnya."
    assert delivered.requester is not None and delivered.requester.nik == NIK
    assert delivered.due_date == objection.due_date
