"""What Cek Status answers: the public part by number alone, the detail with the access code.

The public part is what anyone holding a registration number may see
(DOMAIN.md, Cek Status): kind, OPD, state, dates, and a history of times and
states. The history leaves out who acted (an officer's id) and every note: a
note is free text, and a cancellation's reason or an officer's remark may
name a person. The written reasons a requester is owed (an extension's, the
outcome's) are in the detail instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from connectors import ExemptionGround
from gateway.kip.lifecycle import overdue
from gateway.kip.vocabulary import DeliveryMethod, ObtainMethod, RequestKind, RequestState
from gateway.ledger import ActorKind, EventRow, RequestRow

from .personal import MaskedRequester

__all__ = [
    "DetailedStatus",
    "PublicStatus",
    "RequestDetail",
    "StatusEvent",
    "detailed_status",
    "public_status",
]


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One step of the history: when, which state, and what kind of actor (never who)."""

    at: datetime
    state: RequestState
    actor: ActorKind


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """A request's status as anyone with its number sees it: nothing personal."""

    registration_number: str
    kind: RequestKind
    opd_slug: str
    state: RequestState
    overdue: bool
    """Past the due date with no answer yet: derived, never stored."""
    received_at: datetime
    due_date: date
    """The current deadline: the extended one once the deadline was extended."""
    history: tuple[StatusEvent, ...]


@dataclass(frozen=True, slots=True)
class RequestDetail:
    """What only the requester (with the access code) sees: their request and its answer."""

    details: str | None
    purpose: str | None
    obtain_method: ObtainMethod | None
    delivery_method: DeliveryMethod | None
    document_id: str | None
    extension_reason: str | None
    outcome_message: str | None
    refusal_ground: ExemptionGround | None
    holding_body: str | None
    """For ``NOT_HELD``: the body that holds the information, when known."""
    responded_at: datetime | None
    requester: MaskedRequester


@dataclass(frozen=True, slots=True)
class DetailedStatus(PublicStatus):
    """The public status plus the detail, for whoever gave the right access code."""

    detail: RequestDetail


def public_status(row: RequestRow, events: Sequence[EventRow], *, today: date) -> PublicStatus:
    """The public status of ``row``; ``today`` is the WIB date that decides ``overdue``."""
    due = row.extended_due_date or row.due_date
    return PublicStatus(
        registration_number=row.registration_number,
        kind=row.kind,
        opd_slug=row.opd_slug,
        state=row.state,
        overdue=overdue(row.state, due, today),
        received_at=row.received_at,
        due_date=due,
        history=tuple(StatusEvent(event.at, event.to_state, event.actor_kind) for event in events),
    )


def detailed_status(
    row: RequestRow, events: Sequence[EventRow], requester: MaskedRequester, *, today: date
) -> DetailedStatus:
    """The status of ``row`` with its detail and the masked ``requester``."""
    public = public_status(row, events, today=today)
    detail = RequestDetail(
        details=row.details,
        purpose=row.purpose,
        obtain_method=row.obtain_method,
        delivery_method=row.delivery_method,
        document_id=row.document_id,
        extension_reason=row.extension_reason,
        outcome_message=row.outcome_message,
        refusal_ground=row.refusal_ground,
        holding_body=row.holding_body,
        responded_at=row.responded_at,
        requester=requester,
    )
    return DetailedStatus(
        registration_number=public.registration_number,
        kind=public.kind,
        opd_slug=public.opd_slug,
        state=public.state,
        overdue=public.overdue,
        received_at=public.received_at,
        due_date=public.due_date,
        history=public.history,
        detail=detail,
    )
