"""Every value of every enum the ledger stores passes the schema's CHECK constraints.

The migrations spell the values out as they were at each revision; when an
enum gains a value, this fails until a revision widens its constraint.
"""

from __future__ import annotations

from datetime import timedelta

from connectors import ExemptionGround
from gateway.kip.vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RequestState,
    RoutedBy,
)
from gateway.ledger import ActorKind, Ledger, LedgerTransaction, OutboxOperation, OutboxStatus, RequestRow

from .conftest import information_request, later


class Numbers:
    """Fresh registration numbers."""

    def __init__(self) -> None:
        self.last = 0

    def next(self, prefix: str = "PI") -> str:
        self.last += 1
        return f"{prefix}/2026/DINKES/{self.last:06d}"


async def insert_each(
    tx: LedgerTransaction, numbers: Numbers, field: str, values: list[object]
) -> list[RequestRow]:
    return [
        await tx.insert_request(information_request(numbers.next(), **{field: value})) for value in values
    ]


async def test_every_enum_value_can_be_stored_in_every_column_that_holds_it(ledger: Ledger) -> None:
    numbers = Numbers()
    async with ledger.transaction() as tx:
        for field, enum in [
            ("state", RequestState),
            ("routed_by", RoutedBy),
            ("requester_type", RequesterType),
            ("obtain_method", ObtainMethod),
            ("delivery_method", DeliveryMethod),
        ]:
            rows = await insert_each(tx, numbers, field, list(enum))
            assert [getattr(row, field) for row in rows] == list(enum)
        request = await tx.insert_request(information_request(numbers.next()))
        for ground in ExemptionGround:
            request = await tx.update_request(request, refusal_ground=ground)
            assert request.refusal_ground is ground
        for reason in ObjectionReason:
            objection = await tx.insert_request(
                information_request(
                    numbers.next("KB"),
                    kind=RequestKind.OBJECTION,
                    parent_id=request.id,
                    objection_reason=reason,
                )
            )
            assert objection.objection_reason is reason
        for kind in RequestKind:
            assert await tx.next_registration_sequence(kind, 2026, "DINKES") == 1
        actors = list(ActorKind)
        for n, state in enumerate(RequestState):
            event = await tx.add_event(
                request.id,
                at=later(n),
                actor_kind=actors[n % len(actors)],
                actor_id=None,
                from_state=state,
                to_state=state,
            )
            assert (event.from_state, event.to_state) == (state, state)
        for actor in ActorKind:
            read = await tx.record_personal_data_read(
                request.id, actor_kind=actor, actor_id=None, fields=["name"], purpose="check"
            )
            assert read.actor_kind is actor
        for operation in OutboxOperation:
            entry = await tx.enqueue(
                request.id, opd_slug="dinkes", operation=operation, payload={}, now=later(0)
            )
            assert entry.operation is operation
    claimed = await ledger.outbox.claim_due("worker", limit=3, now=later(1), lease=timedelta(minutes=1))
    delivered = await ledger.outbox.mark_delivered(
        claimed[0].id, "worker", upstream_reference=None, now=later(1)
    )
    failed = await ledger.outbox.mark_failed_permanently(claimed[1].id, "worker", error="x")
    statuses = {delivered.status, failed.status, claimed[2].status}
    assert statuses == set(OutboxStatus)
