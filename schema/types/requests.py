"""Requests and objections: the forms, the receipt, and Cek Status (DESIGN.md §2).

Inputs are converted to the request service's own types; outputs wrap the
service's records. Nothing here validates: the service checks the whole
form and reports every problem at the GraphQL input's own field path.
"""

from __future__ import annotations

import datetime as dt

import strawberry

from connectors import ExemptionGround
from connectors.vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RequestState,
    RoutedBy,
)
from gateway.identity.requester import RequesterInput as ServiceRequesterInput
from gateway.kip.request_form import InformationRequestInput as ServiceFormInput
from gateway.ledger import ActorKind
from gateway.requests import (
    DetailedStatus,
    InformationRequestSubmission,
    MaskedRequester,
    PublicStatus,
    Receipt,
)
from gateway.requests import ObjectionSummary as ServiceObjectionSummary
from gateway.requests import RequestDetail as ServiceRequestDetail
from gateway.requests import StatusEvent as ServiceStatusEvent

from .opd import Opd
from .requester import Requester, UnmaskedRequesterType


@strawberry.input(description="Who asks for the information (UU KIP Pasal 22(2)).")
class RequesterInput:
    type: RequesterType = strawberry.field(
        default=RequesterType.INDIVIDUAL, description="A person, a legal entity, or a proxy."
    )
    name: str
    nik: str | None = strawberry.field(default=None, description="Required for INDIVIDUAL and PROXY.")
    legal_entity_number: str | None = strawberry.field(
        default=None, description="The ratification number: required for ORGANIZATION."
    )
    address: str
    phone: str | None = strawberry.field(default=None, description="A phone or an e-mail is required.")
    email: str | None = None
    occupation: str | None = None

    def to_service(self) -> ServiceRequesterInput:
        """The service's form of this requester."""
        return ServiceRequesterInput(
            type=self.type,
            name=self.name,
            address=self.address,
            nik=self.nik,
            legal_entity_number=self.legal_entity_number,
            phone=self.phone,
            email=self.email,
            occupation=self.occupation,
        )


@strawberry.input(description="An information request (permohonan informasi publik).")
class InformationRequestInput:
    opd: strawberry.ID | None = strawberry.field(
        default=None, description="The OPD asked; routing decides when absent."
    )
    document_id: strawberry.ID | None = strawberry.field(
        default=None, description="The document the request is about, <opd-slug>:<local-id>."
    )
    requester: RequesterInput
    details: str = strawberry.field(description="Rincian informasi: what is asked for.")
    purpose: str = strawberry.field(description="Tujuan penggunaan: what it will be used for.")
    obtain_method: ObtainMethod
    delivery_method: DeliveryMethod | None = strawberry.field(
        default=None, description="Required for a copy; not needed to view the information."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key and input returns the same receipt."
    )

    def to_service(self) -> InformationRequestSubmission:
        """The service's form of this submission (the idempotency key travels separately)."""
        return InformationRequestSubmission(
            form=ServiceFormInput(
                requester=self.requester.to_service(),
                details=self.details,
                purpose=self.purpose,
                obtain_method=self.obtain_method,
                delivery_method=self.delivery_method,
            ),
            opd=None if self.opd is None else str(self.opd),
            document_id=None if self.document_id is None else str(self.document_id),
        )


@strawberry.input(description="Withdraw a request before it is answered.")
class CancelRequestInput:
    registration_number: str
    access_code: str
    reason: str | None = None


@strawberry.input(
    description="An objection (keberatan, UU KIP Pasal 35) to a request, with the request's access code."
)
class ObjectionInput:
    registration_number: str = strawberry.field(description="The number of the request objected to (PI/…).")
    access_code: str = strawberry.field(description="The request's access code, from its receipt.")
    reason: ObjectionReason = strawberry.field(
        description="Pasal 35(1) a–g as A–G. It must have arisen (A, D, E, F once the request is "
        "answered; C the day after its due date; G when the answer came late; B always) and be "
        "within its 30 working days (Pasal 36(1))."
    )
    statement: str = strawberry.field(
        description="What happened and what you ask of the atasan PPID (kasus posisi), 5–5000 characters."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="A retry with the same key and input returns the same receipt, access code included.",
    )


@strawberry.input(
    description="Record that an objection was taken to the Komisi Informasi (a dispute, UU KIP Pasal 37)."
)
class DisputeObjectionInput:
    registration_number: str = strawberry.field(description="The objection's number (KB/…).")
    access_code: str = strawberry.field(description="The objection's access code, from its receipt.")
    note: str | None = strawberry.field(
        default=None, description="Optional, e.g. the case number the Komisi Informasi gave."
    )


@strawberry.type(description="The receipt of a request (UU KIP Pasal 22(4)–(5)): keep it.")
class RequestReceipt:
    source: strawberry.Private[Receipt]

    @strawberry.field(description="E.g. PI/2026/DINKES/000123; an objection's KB/2026/DINKES/000007.")
    def registration_number(self) -> str:
        return self.source.registration_number

    @strawberry.field(
        description="Shown once: it opens the detail and allows cancelling, objecting or disputing. "
        "Stored hashed."
    )
    def access_code(self) -> str:
        return self.source.access_code

    @strawberry.field(description="The OPD that answers the request.")
    def opd(self, info: strawberry.Info) -> Opd:
        return Opd.for_slug(info, self.source.opd_slug)

    @strawberry.field
    def routed_by(self) -> RoutedBy:
        return self.source.routed_by

    @strawberry.field
    def received_at(self) -> dt.datetime:
        return self.source.received_at

    @strawberry.field(
        description="The answer is due by this day: 10 working days for a request (UU KIP Pasal 22(7)), "
        "30 for an objection (Pasal 36(2))."
    )
    def due_date(self) -> dt.date:
        return self.source.due_date

    @strawberry.field
    def state(self) -> RequestState:
        return self.source.state


@strawberry.type(description="One step of a request's history: when, which state, what kind of actor.")
class StatusEvent:
    at: dt.datetime
    state: RequestState
    actor: ActorKind

    @classmethod
    def of(cls, event: ServiceStatusEvent) -> StatusEvent:
        """The GraphQL view of a history step."""
        return cls(at=event.at, state=event.state, actor=event.actor)


@strawberry.type(
    name="MaskedRequester",
    description="The requester, masked: recognisable, not readable (the requester's own Cek Status).",
)
class MaskedRequesterType(Requester):
    type: RequesterType | None
    name: str | None
    nik: str | None = strawberry.field(description="E.g. 3603********0001.")
    legal_entity_number: str | None
    address: str | None
    phone: str | None
    email: str | None
    occupation: str | None

    @classmethod
    def of(cls, masked: MaskedRequester) -> MaskedRequesterType:
        """The GraphQL view of a masked requester."""
        return cls(
            type=masked.type,
            name=masked.name,
            nik=masked.nik,
            legal_entity_number=masked.legal_entity_number,
            address=masked.address,
            phone=masked.phone,
            email=masked.email,
            occupation=masked.occupation,
        )


@strawberry.type(description="An objection filed against a request, as the request's detail lists it.")
class ObjectionSummary:
    registration_number: str = strawberry.field(description="The objection's number, KB/….")
    reason: ObjectionReason | None
    state: RequestState
    due_date: dt.date = strawberry.field(description="The atasan PPID answers by this day (Pasal 36(2)).")

    @classmethod
    def of(cls, summary: ServiceObjectionSummary) -> ObjectionSummary:
        """The GraphQL view of an objection in a request's detail."""
        return cls(
            registration_number=summary.registration_number,
            reason=summary.reason,
            state=summary.state,
            due_date=summary.due_date,
        )


@strawberry.type(
    description="What only the requester (with the access code) and the officers of the routed OPD see: "
    "the request or objection and its answer."
)
class RequestDetail:
    details: str | None
    purpose: str | None
    obtain_method: ObtainMethod | None
    delivery_method: DeliveryMethod | None
    document_id: strawberry.ID | None
    extension_reason: str | None
    outcome_message: str | None
    refusal_ground: ExemptionGround | None
    holding_body: str | None = strawberry.field(description="For NOT_HELD: who holds the information.")
    responded_at: dt.datetime | None
    requester: Requester = strawberry.field(
        description="Masked with the access code; in full for the officers of the routed OPD and PPID Utama."
    )
    parent_registration_number: str | None = strawberry.field(
        description="For an objection: the number of the request objected to."
    )
    objection_reason: ObjectionReason | None = strawberry.field(description="For an objection: its reason.")
    objection_statement: str | None = strawberry.field(description="For an objection: the statement filed.")
    decision: str | None = strawberry.field(
        description="For an objection: the atasan PPID's written answer, once given."
    )
    decided_at: dt.datetime | None
    disputed_at: dt.datetime | None = strawberry.field(
        description="For an objection: when it was recorded as taken to the Komisi Informasi."
    )
    objections: list[ObjectionSummary] = strawberry.field(
        description="For a request: the objections filed against it, oldest first."
    )

    @classmethod
    def of(cls, detail: ServiceRequestDetail) -> RequestDetail:
        """The GraphQL view of a request's detail."""
        return cls(
            details=detail.details,
            purpose=detail.purpose,
            obtain_method=detail.obtain_method,
            delivery_method=detail.delivery_method,
            document_id=None if detail.document_id is None else strawberry.ID(detail.document_id),
            extension_reason=detail.extension_reason,
            outcome_message=detail.outcome_message,
            refusal_ground=detail.refusal_ground,
            holding_body=detail.holding_body,
            responded_at=detail.responded_at,
            requester=(
                MaskedRequesterType.of(detail.requester)
                if isinstance(detail.requester, MaskedRequester)
                else UnmaskedRequesterType.of(detail.requester)
            ),
            parent_registration_number=detail.parent_registration_number,
            objection_reason=detail.objection_reason,
            objection_statement=detail.objection_statement,
            decision=detail.decision,
            decided_at=detail.decided_at,
            disputed_at=detail.disputed_at,
            objections=[ObjectionSummary.of(summary) for summary in detail.objections],
        )


@strawberry.type(description="Cek Status: a request's public status, and its detail with the access code.")
class RequestStatus:
    source: strawberry.Private[PublicStatus]

    @strawberry.field
    def registration_number(self) -> str:
        return self.source.registration_number

    @strawberry.field
    def kind(self) -> RequestKind:
        return self.source.kind

    @strawberry.field
    def opd(self, info: strawberry.Info) -> Opd:
        return Opd.for_slug(info, self.source.opd_slug)

    @strawberry.field
    def state(self) -> RequestState:
        return self.source.state

    @strawberry.field(description="Past the due date with no answer yet.")
    def overdue(self) -> bool:
        return self.source.overdue

    @strawberry.field
    def received_at(self) -> dt.datetime:
        return self.source.received_at

    @strawberry.field(description="The current deadline: the extended one once it was extended.")
    def due_date(self) -> dt.date:
        return self.source.due_date

    @strawberry.field
    def history(self) -> list[StatusEvent]:
        return [StatusEvent.of(event) for event in self.source.history]

    @strawberry.field(
        description="Only with the right access code (the requester masked), or for an officer of the "
        "routed OPD or PPID Utama (in full, audited)."
    )
    def detail(self) -> RequestDetail | None:
        if isinstance(self.source, DetailedStatus):
            return RequestDetail.of(self.source.detail)
        return None
