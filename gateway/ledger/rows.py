"""What the ledger returns and takes: plain frozen dataclasses, no SQLAlchemy.

Requester columns ending ``_enc`` hold ciphertext made by the caller, and
``nik_hash`` a keyed hash: the ledger stores and returns them as given.
They, the access code hash and outbox payloads are left out of ``repr`` so
that a logged row shows no personal data, not even encrypted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

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

from .vocabulary import ActorKind, OutboxOperation, OutboxStatus

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "EventRow",
    "HolidayOverrideRow",
    "IdempotencyRow",
    "NewRequest",
    "OutboxRow",
    "PersonalDataReadRow",
    "RequestChanges",
    "RequestRow",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class NewRequest:
    """An information request or an objection, as it is first written.

    An information request carries the requester and the form fields; an
    objection carries ``parent_id`` (the request objected to), its reason and
    statement, and may copy the requester columns from the request.
    """

    registration_number: str
    kind: RequestKind
    opd_slug: str
    routed_by: RoutedBy
    received_at: datetime
    receipt_date: date
    """The day of receipt in WIB, from which the working days are counted."""
    due_date: date
    access_code_hash: str = field(repr=False)
    """A slow salted hash of the access code (the ledger never sees the code)."""
    state: RequestState = RequestState.RECEIVED
    idempotency_key: str | None = None
    """The client's idempotency key, when it gave one (its claim is in ``idempotency_keys``)."""
    requester_type: RequesterType | None = None
    name_enc: str | None = field(default=None, repr=False)
    nik_enc: str | None = field(default=None, repr=False)
    nik_hash: str | None = field(default=None, repr=False)
    """A keyed hash of the NIK, to find one person's requests without decrypting."""
    legal_entity_number_enc: str | None = field(default=None, repr=False)
    address_enc: str | None = field(default=None, repr=False)
    phone_enc: str | None = field(default=None, repr=False)
    email_enc: str | None = field(default=None, repr=False)
    occupation: str | None = None
    details: str | None = None
    purpose: str | None = None
    obtain_method: ObtainMethod | None = None
    delivery_method: DeliveryMethod | None = None
    document_id: str | None = None
    """The global id (``<opd-slug>:<local-id>``) of the document the request cites."""
    parent_id: int | None = None
    objection_reason: ObjectionReason | None = None
    objection_statement: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestRow:
    """One information request or objection as stored; ``version`` moves on every update."""

    id: int
    registration_number: str
    kind: RequestKind
    opd_slug: str
    routed_by: RoutedBy
    state: RequestState
    received_at: datetime
    receipt_date: date
    due_date: date
    extended_at: datetime | None
    extension_reason: str | None
    extended_due_date: date | None
    access_code_hash: str = field(repr=False)
    idempotency_key: str | None
    requester_type: RequesterType | None
    name_enc: str | None = field(repr=False)
    nik_enc: str | None = field(repr=False)
    nik_hash: str | None = field(repr=False)
    legal_entity_number_enc: str | None = field(repr=False)
    address_enc: str | None = field(repr=False)
    phone_enc: str | None = field(repr=False)
    email_enc: str | None = field(repr=False)
    occupation: str | None
    details: str | None
    purpose: str | None
    obtain_method: ObtainMethod | None
    delivery_method: DeliveryMethod | None
    document_id: str | None
    outcome_message: str | None
    refusal_ground: ExemptionGround | None
    """The Pasal 17 ground of a refusal."""
    holding_body: str | None
    """For ``NOT_HELD``: the body that holds the information, when known."""
    attached_document_ids: tuple[str, ...]
    responded_at: datetime | None
    parent_id: int | None
    """For an objection: the request objected to."""
    objection_reason: ObjectionReason | None
    objection_statement: str | None
    decision: str | None
    """For an objection: the atasan PPID's written answer."""
    decided_at: datetime | None
    disputed_at: datetime | None
    """When the objection was taken to the Komisi Informasi."""
    upstream_reference: str | None
    """The OPD's own number for the request, once delivered."""
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def current_due_date(self) -> date:
        """The deadline in force: the extended one once the deadline was extended, else the first."""
        return self.extended_due_date or self.due_date


class RequestChanges(TypedDict, total=False):
    """The columns :meth:`LedgerTransaction.update_request` may change.

    What the requester asked (details, purpose, methods, kind, number, times of
    receipt) is never changed; requester columns may be, for a correction or
    an erasure under UU 27/2022.
    """

    state: RequestState
    opd_slug: str
    routed_by: RoutedBy
    due_date: date
    extended_at: datetime | None
    extension_reason: str | None
    extended_due_date: date | None
    requester_type: RequesterType | None
    name_enc: str | None
    nik_enc: str | None
    nik_hash: str | None
    legal_entity_number_enc: str | None
    address_enc: str | None
    phone_enc: str | None
    email_enc: str | None
    occupation: str | None
    outcome_message: str | None
    refusal_ground: ExemptionGround | None
    holding_body: str | None
    attached_document_ids: Sequence[str]
    responded_at: datetime | None
    decision: str | None
    decided_at: datetime | None
    disputed_at: datetime | None
    upstream_reference: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow:
    """One step of a request's history: a state change, with who and why."""

    id: int
    request_id: int
    at: datetime
    actor_kind: ActorKind
    actor_id: str | None
    from_state: RequestState | None
    """``None`` for the event that records receipt."""
    to_state: RequestState
    note: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxRow:
    """One delivery to an OPD's connector; ``attempts`` counts claims, so a crash counts too."""

    id: int
    request_id: int
    opd_slug: str
    operation: OutboxOperation
    payload: Mapping[str, Any] = field(repr=False)
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    upstream_reference: str | None
    claimed_by: str | None
    """The worker holding (or, once delivered, that held) the entry."""
    claimed_until: datetime | None
    """When the claim's lease runs out; another worker may claim the entry after it."""
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class IdempotencyRow:
    """A client's idempotency key and the request it produced."""

    scope: str
    """What the key is for, e.g. ``submitInformationRequest``."""
    key: str
    fingerprint: str
    """A hash of the input the key came with, to tell a retry from a reused key."""
    request_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class HolidayOverrideRow:
    """A date an admin declared a working day or a day off, overriding the official calendar."""

    day: date
    working: bool
    """True: declared a working day; false: declared a day off."""
    note: str | None
    changed_at: datetime
    changed_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalDataReadRow:
    """One reading of a requester's personal data: the audit trail of UU 27/2022."""

    id: int
    at: datetime
    actor_kind: ActorKind
    actor_id: str | None
    request_id: int
    fields: tuple[str, ...]
    """The requester fields read, e.g. ``("nik", "address")``."""
    purpose: str


_Row = TypeVar("_Row", bound="DataclassInstance")

# Columns stored as JSON lists and returned as tuples, so rows stay immutable.
_TUPLE_COLUMNS = frozenset({"attached_document_ids", "fields"})


def row_from_mapping(cls: type[_Row], mapping: Mapping[Any, Any]) -> _Row:
    """Build a row dataclass from a result row's mapping (column name → value)."""
    values = {f.name: mapping[f.name] for f in dataclasses.fields(cls)}
    for name in _TUPLE_COLUMNS.intersection(values):
        values[name] = tuple(values[name] or ())
    return cls(**values)
