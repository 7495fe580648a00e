"""Status sync: states reported by an OPD's own system, recorded along the lifecycle's moves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from connectors import ExemptionGround, MockConnector
from gateway.config import DeliveryConfig
from gateway.delivery import DeliveryWorker, StatusSync, path_to
from gateway.kip.vocabulary import RequestKind, RequestState
from gateway.ledger import ActorKind, Ledger
from gateway.requests import LedgerCalendarSource, RequestService
from tests.requests.conftest import Clock, official_days_off, submission

from .conftest import IntakeDesk

S = RequestState
INFO = RequestKind.INFORMATION


@pytest.mark.parametrize(
    ("current", "reported", "path"),
    [
        (S.RECEIVED, S.IN_PROCESS, (S.IN_PROCESS,)),
        (S.RECEIVED, S.GRANTED, (S.IN_PROCESS, S.GRANTED)),
        (S.IN_PROCESS, S.REFUSED, (S.REFUSED,)),
        (S.IN_PROCESS, S.EXTENDED, (S.EXTENDED,)),
        (S.EXTENDED, S.NOT_HELD, (S.NOT_HELD,)),
        (S.IN_PROCESS, S.IN_PROCESS, ()),
        (S.IN_PROCESS, S.RECEIVED, ()),  # never backwards
        (S.EXTENDED, S.IN_PROCESS, ()),
        (S.IN_PROCESS, S.CANCELLED, ()),  # the requester cancels through the gateway
        (S.GRANTED, S.REFUSED, ()),  # an outcome is final
    ],
)
def test_path_of_a_request(
    current: RequestState, reported: RequestState, path: tuple[RequestState, ...]
) -> None:
    assert path_to(INFO, current, reported) == path


def test_path_of_an_objection() -> None:
    assert path_to(RequestKind.OBJECTION, S.RECEIVED, S.DECIDED) == (S.IN_PROCESS, S.DECIDED)
    assert path_to(RequestKind.OBJECTION, S.DECIDED, S.DISPUTED) == ()


@pytest.fixture
def make_sync(ledger: Ledger, dinkes: MockConnector, clock: Clock) -> Callable[[], StatusSync]:
    def make() -> StatusSync:
        return StatusSync(
            ledger,
            {"dinkes": dinkes}.get,
            lambda: ["dinkes", "dindikbud"],
            DeliveryConfig(status_batch_size=2),
            calendar=LedgerCalendarSource(official=official_days_off),
            clock=clock,
        )

    return make


async def delivered(
    service: RequestService, make_worker: Callable[..., DeliveryWorker], n: int = 1
) -> list[str]:
    numbers = [(await service.submit_information_request(submission())).registration_number for _ in range(n)]
    await make_worker().run_once()
    return numbers


async def test_an_outcome_reported_by_the_opd_is_recorded_with_its_notice(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    make_sync: Callable[[], StatusSync],
    desk: IntakeDesk,
    ledger: Ledger,
    clock: Clock,
) -> None:
    [number] = await delivered(service, make_worker)
    desk.report(number, S.REFUSED, message="Dokumen memuat data pribadi.", refusal_ground=ExemptionGround.H)
    clock.now += timedelta(days=2)

    done = await make_sync().run_once()

    assert (done.asked, done.changed, done.failed) == (1, 1, 0)
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(number)
        assert row is not None
        events = await tx.events(row.id)
    assert row.state is S.REFUSED
    assert row.refusal_ground is ExemptionGround.H
    assert row.outcome_message == "Dokumen memuat data pribadi."
    assert row.responded_at == clock.now
    last = events[-1]
    assert (last.from_state, last.to_state, last.actor_kind) == (S.IN_PROCESS, S.REFUSED, ActorKind.OFFICER)
    assert last.actor_id == "dinkes (OPD system)"
    # nothing more to ask: an answered request is no longer polled
    assert (await make_sync().run_once()).asked == 0


async def test_citizens_see_the_synced_answer(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    make_sync: Callable[[], StatusSync],
    desk: IntakeDesk,
) -> None:
    receipt = await service.submit_information_request(submission())
    await make_worker().run_once()
    desk.report(receipt.registration_number, S.GRANTED, message="Terlampir laporan realisasi anggaran 2025.")
    await make_sync().run_once()
    status = await service.request_status(receipt.registration_number, receipt.access_code)
    assert status is not None and status.state is S.GRANTED
    assert [event.state for event in status.history] == [S.RECEIVED, S.IN_PROCESS, S.GRANTED]


async def test_an_extension_gets_the_longest_deadline_the_law_allows(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    make_sync: Callable[[], StatusSync],
    desk: IntakeDesk,
    ledger: Ledger,
) -> None:
    [number] = await delivered(service, make_worker)
    desk.report(number, S.EXTENDED, message="Dokumen masih dihimpun dari UPT.")
    assert (await make_sync().run_once()).changed == 1
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(number)
    assert row is not None and row.state is S.EXTENDED
    # received Fri 13 March 2026; 17 working days, skipping the test calendar's day off (19 March)
    assert row.extended_due_date == date(2026, 4, 8)
    assert row.extension_reason == "Dokumen masih dihimpun dari UPT."


@pytest.mark.parametrize(
    ("state", "fields"),
    [(S.REFUSED, {"message": "Dikecualikan."}), (S.EXTENDED, {})],
    ids=["refusal-without-ground", "extension-without-reasons"],
)
async def test_a_reported_state_that_breaks_a_rule_is_not_recorded(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    make_sync: Callable[[], StatusSync],
    desk: IntakeDesk,
    ledger: Ledger,
    caplog: pytest.LogCaptureFixture,
    state: RequestState,
    fields: dict[str, str],
) -> None:
    [number] = await delivered(service, make_worker)
    desk.report(number, state, **fields)
    done = await make_sync().run_once()
    assert (done.changed, done.not_copied) == (0, 1)
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(number)
    assert row is not None and row.state is S.IN_PROCESS
    assert any("should answer through the gateway" in r.getMessage() for r in caplog.records)


async def test_rounds_walk_every_request_in_batches(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    make_sync: Callable[[], StatusSync],
    desk: IntakeDesk,
) -> None:
    numbers = await delivered(service, make_worker, n=5)
    for number in numbers:
        desk.report(number, S.GRANTED, message="Diberikan.")
    sync = make_sync()
    rounds = [await sync.run_once() for _ in range(3)]
    assert [r.asked for r in rounds] == [2, 2, 1]
    assert sum(r.changed for r in rounds) == 5


async def test_an_opd_that_does_not_answer_is_asked_again_next_round(
    service: RequestService,
    make_worker: Callable[..., DeliveryWorker],
    make_sync: Callable[[], StatusSync],
    desk: IntakeDesk,
) -> None:
    [number] = await delivered(service, make_worker)  # no state reported: the double raises KeyError
    done = await make_sync().run_once()
    assert (done.asked, done.failed) == (1, 1)
    desk.report(number, S.GRANTED, message="Diberikan.")
    assert (await make_sync().run_once()).changed == 1
