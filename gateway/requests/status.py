"""What Cek Status answers: the public part by number alone, the detail with the access code.

The public part is what anyone holding a registration number may see
(DOMAIN.md, Cek Status): kind, OPD, state, dates, and a history of times and
states. The history leaves out who acted (an officer's id) and every note: a
note is free text, and a cancellation's reason or an officer's remark may
name a person. The written reasons a requester is owed (an extension's, the
outcome's) are in the detail instead.

An objection (``KB/…``) has a status of its own; its detail names the
request objected to, the reason and statement, and the atasan's decision.
A request's detail lists the objections filed against it, so that the
citizen holding the request's code can follow them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from connectors import ExemptionGround
from gateway.identity.crypto import PersonalDataCipher
from gateway.kip.lifecycle import overdue
from gateway.kip.vocabulary import DeliveryMethod, ObjectionReason, ObtainMethod, RequestKind, RequestState
from gateway.ledger import ActorKind, EventRow, LedgerTransaction, RequestRow

from .personal import MaskedRequester, UnmaskedRequester, masked_requester

__all__ = [
    "DetailedStatus",
    "ObjectionSummary",
    "PublicStatus",
    "RequestDetail",
    "StatusEvent",
    "detailed_status",
    "public_status",
    "read_detailed_status",
]

_READ_PURPOSE = "Cek Status by the requester with the access code (shown masked)"


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
class ObjectionSummary:
    """One objection filed against a request, as the request's detail lists it."""

    registration_number: str
    reason: ObjectionReason | None
    state: RequestState
    due_date: date
    """The day by which the atasan PPID must answer (30 working days, UU KIP Pasal 36(2))."""


@dataclass(frozen=True, slots=True)
class RequestDetail:
    """What only the requester (with the access code) sees: their request and its answer.

    The requester is masked for the requester's own Cek Status, and in full
    (:class:`UnmaskedRequester`) for the officers of the routed OPD and PPID Utama.
    """

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
    requester: MaskedRequester | UnmaskedRequester
    parent_registration_number: str | None = None
    """For an objection: the number of the request objected to."""
    objection_reason: ObjectionReason | None = None
    """For an objection: its reason, UU KIP Pasal 35(1) a–g."""
    objection_statement: str | None = None
    decision: str | None = None
    """For an objection: the atasan PPID's written answer, once given."""
    decided_at: datetime | None = None
    disputed_at: datetime | None = None
    """For an objection: when the requester took it to the Komisi Informasi."""
    objections: tuple[ObjectionSummary, ...] = ()
    """For a request: the objections filed against it, oldest first."""


@dataclass(frozen=True, slots=True)
class DetailedStatus(PublicStatus):
    """The public status plus the detail, for whoever gave the right access code."""

    detail: RequestDetail


def public_status(row: RequestRow, events: Sequence[EventRow], *, today: date) -> PublicStatus:
    """The public status of ``row``; ``today`` is the WIB date that decides ``overdue``."""
    due = row.current_due_date
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
    row: RequestRow,
    events: Sequence[EventRow],
    requester: MaskedRequester | UnmaskedRequester,
    *,
    today: date,
    parent: RequestRow | None = None,
    objections: Sequence[RequestRow] = (),
) -> DetailedStatus:
    """The status of ``row`` with its detail and ``requester`` (masked, or in full for an officer).

    ``parent`` is the request an objection ``row`` objects to; ``objections``
    the objections filed against a request ``row``.
    """
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
        parent_registration_number=None if parent is None else parent.registration_number,
        objection_reason=row.objection_reason,
        objection_statement=row.objection_statement,
        decision=row.decision,
        decided_at=row.decided_at,
        disputed_at=row.disputed_at,
        objections=tuple(
            ObjectionSummary(o.registration_number, o.objection_reason, o.state, o.due_date)
            for o in objections
        ),
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


async def read_detailed_status(
    tx: LedgerTransaction, cipher: PersonalDataCipher, row: RequestRow, *, today: date
) -> DetailedStatus:
    """The detailed status the requester sees with the access code, read in ``tx``.

    The requester is decrypted only to be masked, and that read is written
    to the audit log in the same transaction (UU 27/2022). With an objection
    comes the number of its request; with a request, its objections.
    """
    requester, fields = masked_requester(cipher, row)
    if fields:
        await tx.record_personal_data_read(
            row.id, actor_kind=ActorKind.REQUESTER, actor_id=None, fields=fields, purpose=_READ_PURPOSE
        )
    parent = None if row.parent_id is None else await tx.get_request(row.parent_id)
    objections = await tx.objections_to(row.id) if row.kind is RequestKind.INFORMATION else []
    return detailed_status(
        row, await tx.events(row.id), requester, today=today, parent=parent, objections=objections
    )
