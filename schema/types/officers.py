"""PPID officers in the schema: who is signed in, their inbox, and the forms of their acts.

Inputs are converted to the officer desk's arguments as they are; the desk
checks them whole and reports every problem under these inputs' field names.
"""

from __future__ import annotations

import datetime as dt

import strawberry

from connectors import ExemptionGround
from connectors.vocabulary import ObjectionReason, RequestKind, RequestState, RoutedBy
from gateway.kip.roles import OfficerRole
from gateway.officers import Officer as ServiceOfficer
from gateway.requests import InboxItem as ServiceInboxItem
from gateway.requests import InboxPage, ResponseOutcome

from .connection import PageInfo
from .opd import Opd

strawberry.enum(
    OfficerRole,
    name="OfficerRole",
    description="What an officer's key allows: PPID (PPID Pembantu of an OPD: answers requests, extends "
    "deadlines), ATASAN (atasan PPID of an OPD: decides objections), PPID_UTAMA (any OPD; forwards "
    "requests).",
)
strawberry.enum(
    ResponseOutcome,
    name="ResponseOutcome",
    description="The written notice's answer (UU KIP Pasal 22(7)): GRANTED in full, PARTIALLY_GRANTED "
    "(with reasons), REFUSED (with reasons and a Pasal 17 ground), NOT_HELD (naming who holds it, if known).",
)


@strawberry.type(name="Officer", description="The PPID officer whose key the request carried.")
class OfficerType:
    source: strawberry.Private[ServiceOfficer]

    @strawberry.field(description="The officer's id, written in the history and the personal-data audit.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.source.id)

    @strawberry.field(description="The officer's name as configured.")
    def name(self) -> str:
        return self.source.name

    @strawberry.field(description="What the key allows.")
    def role(self) -> OfficerRole:
        return self.source.role

    @strawberry.field(description="The OPD the officer acts for; null for PPID Utama, who acts for all.")
    def opd(self, info: strawberry.Info) -> Opd | None:
        if self.source.opd_slug is None:
            return None
        return Opd.for_slug(info, self.source.opd_slug)


@strawberry.type(description="A request or objection waiting in an officer's inbox. Nothing personal.")
class InboxItem:
    source: strawberry.Private[ServiceInboxItem]

    @strawberry.field(description="PI/… for a request, KB/… for an objection; open it with requestStatus.")
    def registration_number(self) -> str:
        return self.source.registration_number

    @strawberry.field(description="An information request or an objection.")
    def kind(self) -> RequestKind:
        return self.source.kind

    @strawberry.field(description="The OPD it is routed to now.")
    def opd(self, info: strawberry.Info) -> Opd:
        return Opd.for_slug(info, self.source.opd_slug)

    @strawberry.field(description="Where it is in its life.")
    def state(self) -> RequestState:
        return self.source.state

    @strawberry.field(description="Past its due date with no answer yet.")
    def overdue(self) -> bool:
        return self.source.overdue

    @strawberry.field(description="When the gateway received it.")
    def received_at(self) -> dt.datetime:
        return self.source.received_at

    @strawberry.field(description="The deadline in force: the extended one once extended.")
    def due_date(self) -> dt.date:
        return self.source.due_date

    @strawberry.field(description="Whether the deadline was extended (once only, UU KIP Pasal 22(8)).")
    def extended(self) -> bool:
        return self.source.extended

    @strawberry.field(description="How its OPD was first chosen (a forward by PPID Utama keeps it).")
    def routed_by(self) -> RoutedBy:
        return self.source.routed_by

    @strawberry.field(description="For a request: what it asks for (rincian informasi).")
    def details(self) -> str | None:
        return self.source.details

    @strawberry.field(description="For an objection: its reason, UU KIP Pasal 35(1).")
    def objection_reason(self) -> ObjectionReason | None:
        return self.source.objection_reason

    @strawberry.field(description="For an objection: the number of the request it objects to.")
    def parent_registration_number(self) -> str | None:
        return self.source.parent_registration_number

    @strawberry.field(description="Whether the OPD's own PPID system has taken it (and gave its number).")
    def delivered(self) -> bool:
        return self.source.delivered


@strawberry.type(description="An inbox item and its cursor.")
class InboxEdge:
    cursor: str = strawberry.field(description="Pass as `after` to start the next page after this item.")
    node: InboxItem = strawberry.field(description="The request or objection.")


@strawberry.type(description="A page of an officer's inbox, oldest due date first.")
class InboxConnection:
    edges: list[InboxEdge] = strawberry.field(description="The items of this page, with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page sits in the whole inbox.")
    total_count: int = strawberry.field(description="How many requests and objections the inbox holds.")

    @strawberry.field(description="The items of this page, without cursors (smaller payloads).")
    def nodes(self) -> list[InboxItem]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(cls, page: InboxPage, *, after: str | None) -> InboxConnection:
        """The GraphQL view of one inbox page, fetched with ``after``."""
        return cls(
            edges=[InboxEdge(cursor=edge.cursor, node=InboxItem(source=edge.item)) for edge in page.edges],
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=after is not None,
                start_cursor=page.start_cursor,
                end_cursor=page.end_cursor,
            ),
            total_count=page.total_count,
        )


@strawberry.input(description="The written notice on a request (UU KIP Pasal 22(7)).")
class RespondInput:
    registration_number: str = strawberry.field(description="The request's number, PI/….")
    outcome: ResponseOutcome = strawberry.field(description="The answer.")
    message: str | None = strawberry.field(
        default=None,
        description="The notice to the requester, up to 5000 characters: what will be given, how, and at "
        "what cost; the reasons for a partial grant or a refusal (required for those two).",
    )
    refusal_ground: ExemptionGround | None = strawberry.field(
        default=None, description="REFUSED only, and required then: the Pasal 17 exemption (A–J = a–j)."
    )
    holding_body: str | None = strawberry.field(
        default=None, description="NOT_HELD only: the public body that holds the information, when known."
    )
    attached_document_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description='Documents given with the answer, by global id "<opd-slug>:<local-id>" (at most 20).',
    )


@strawberry.input(description="The one extension of a request's deadline (UU KIP Pasal 22(8)).")
class ExtendInput:
    registration_number: str = strawberry.field(description="The request's number, PI/….")
    reason: str = strawberry.field(description="The written reasons, told to the requester (required).")
    working_days: int = strawberry.field(
        default=7, description="Working days added beyond the first ten, 1–7 (default 7: 17 in all)."
    )


@strawberry.input(description="The atasan PPID's written answer to an objection (UU KIP Pasal 36(2)).")
class DecideObjectionInput:
    registration_number: str = strawberry.field(description="The objection's number, KB/….")
    decision: str = strawberry.field(description="The written decision and its reasons (required).")


@strawberry.input(description="Forward a request to another OPD (PPID Utama only), before it is answered.")
class RerouteInput:
    registration_number: str = strawberry.field(description="The request's number, PI/….")
    opd: strawberry.ID = strawberry.field(description="The slug of the OPD that should answer it.")
    reason: str = strawberry.field(
        description="Why, 3–1000 characters: kept in the history and told to the OPD it leaves."
    )
