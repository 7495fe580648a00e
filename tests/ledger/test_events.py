"""A request's history: every transition with its time, actor and note, in order."""

from __future__ import annotations

from gateway.kip.vocabulary import RequestState
from gateway.ledger import ActorKind, Ledger

from .conftest import RECEIVED_AT, information_request, later


async def test_the_history_comes_back_in_order_of_time_whatever_the_order_written(ledger: Ledger) -> None:
    async with ledger.transaction() as tx:
        request = await tx.insert_request(information_request())
        other = await tx.insert_request(information_request("PI/2026/DINKES/000002"))
        await tx.add_event(
            request.id,
            at=later(90),
            actor_kind=ActorKind.OFFICER,
            actor_id="officer:dinkes:7",
            from_state=RequestState.IN_PROCESS,
            to_state=RequestState.GRANTED,
            note="Salinan dikirim lewat surel",
        )
        await tx.add_event(
            request.id,
            at=RECEIVED_AT,
            actor_kind=ActorKind.REQUESTER,
            actor_id=None,
            from_state=None,
            to_state=RequestState.RECEIVED,
        )
        await tx.add_event(
            other.id,
            at=later(1),
            actor_kind=ActorKind.SYSTEM,
            actor_id="outbox-worker",
            from_state=RequestState.RECEIVED,
            to_state=RequestState.IN_PROCESS,
        )
        await tx.add_event(
            request.id,
            at=later(1),
            actor_kind=ActorKind.SYSTEM,
            actor_id="outbox-worker",
            from_state=RequestState.RECEIVED,
            to_state=RequestState.IN_PROCESS,
        )
    async with ledger.transaction() as tx:
        history = await tx.events(request.id)
    assert [(e.from_state, e.to_state) for e in history] == [
        (None, RequestState.RECEIVED),
        (RequestState.RECEIVED, RequestState.IN_PROCESS),
        (RequestState.IN_PROCESS, RequestState.GRANTED),
    ]
    assert [e.at for e in history] == [RECEIVED_AT, later(1), later(90)]
    assert history[2].actor_kind is ActorKind.OFFICER
    assert history[2].actor_id == "officer:dinkes:7"
    assert history[2].note == "Salinan dikirim lewat surel"
    assert {e.request_id for e in history} == {request.id}


async def test_events_of_the_same_instant_keep_the_order_they_were_recorded_in(ledger: Ledger) -> None:
    states = [RequestState.RECEIVED, RequestState.IN_PROCESS, RequestState.EXTENDED, RequestState.NOT_HELD]
    async with ledger.transaction() as tx:
        request = await tx.insert_request(information_request())
        for before, after in zip([None, *states], states, strict=False):
            await tx.add_event(
                request.id,
                at=later(3),
                actor_kind=ActorKind.SYSTEM,
                actor_id=None,
                from_state=before,
                to_state=after,
            )
    async with ledger.transaction() as tx:
        assert [e.to_state for e in await tx.events(request.id)] == states


async def test_a_rolled_back_transaction_leaves_no_history(ledger: Ledger) -> None:
    async with ledger.transaction() as tx:
        request = await tx.insert_request(information_request())
    try:
        async with ledger.transaction() as tx:
            await tx.add_event(
                request.id,
                at=later(1),
                actor_kind=ActorKind.REQUESTER,
                actor_id=None,
                from_state=RequestState.RECEIVED,
                to_state=RequestState.CANCELLED,
            )
            raise RuntimeError("the caller failed after writing")
    except RuntimeError:
        pass
    async with ledger.transaction() as tx:
        assert await tx.events(request.id) == []
