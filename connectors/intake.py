"""Delivering requests to an OPD's own PPID system: what goes there and what comes back.

The gateway registers every request, objection and cancellation in its own
ledger first and answers the citizen at once. An outbox worker then delivers
it, as a :class:`Submission`, to the OPD's connector when that declares
``REQUEST_INTAKE`` (:meth:`connectors.Connector.submit_request`), and may later
ask for its state when it declares ``REQUEST_STATUS``
(:meth:`connectors.Connector.request_status`).

**Idempotency.** The outbox retries until a delivery is acknowledged, so one
submission may reach a connector more than once (a timeout after the OPD had
already stored it, a gateway restart). ``submit_request`` must be idempotent on
``registration_number``: delivering the same submission again returns the same
:class:`UpstreamReceipt` reference and creates nothing new at the OPD.

**Errors.** ``UpstreamTimeout`` and ``UpstreamUnavailable`` mean "try again
later"; :class:`~connectors.errors.SubmissionRejected` means the OPD refuses
this submission for good and the outbox stops retrying (an officer then serves
it from the gateway's inbox); ``UpstreamBadResponse`` means the OPD answered in
a shape the connector cannot read.

**Personal data.** A submission carries the requester's name, NIK, address,
phone and e-mail in plain text, because the OPD's PPID needs them to answer.
A connector must never log them, never put them in an error message, and send
them only to the OPD (UU No. 27/2022). The ``repr`` of these models leaves them
out, so that an accidental log line does not leak them.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .records import ExemptionGround, LocalId, _assume_wib, _Record
from .vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RequestState,
)

__all__ = [
    "RequesterDetails",
    "Submission",
    "SubmissionOperation",
    "UpstreamReceipt",
    "UpstreamRequestStatus",
]

RegistrationNumberText = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
"""A gateway registration number as text (``PI/2026/DINKES/000123``)."""
_Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class SubmissionOperation(enum.Enum):
    """What a :class:`Submission` asks the OPD to do."""

    SUBMIT = "SUBMIT"
    """Register a new request or objection."""
    CANCEL = "CANCEL"
    """Withdraw a request delivered before (permohonan pembatalan)."""


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class RequesterDetails(_Input):
    """Who asks, in plain text, as the OPD's PPID needs it (UU KIP Pasal 22(2)).

    Personal data: never log it. Every field but ``type`` is left out of ``repr``.
    """

    type: RequesterType
    """A person, a legal entity, or a proxy."""
    name: _Text = Field(repr=False)
    """Full name."""
    nik: str | None = Field(default=None, repr=False)
    """NIK from the KTP, 16 digits (``INDIVIDUAL`` and ``PROXY``; optional for ``ORGANIZATION``)."""
    legal_entity_number: str | None = Field(default=None, repr=False)
    """The legal entity's ratification number (``ORGANIZATION``)."""
    address: _Text = Field(repr=False)
    """Postal address."""
    phone: str | None = Field(default=None, repr=False)
    """Phone number, E.164 (``+6281234567890``); at least one of ``phone`` and ``email`` is given."""
    email: str | None = Field(default=None, repr=False)
    """E-mail address."""
    occupation: str | None = Field(default=None, repr=False)
    """Occupation, when given."""


class Submission(_Input):
    """One delivery from the gateway to an OPD: a new request or objection, or a cancellation.

    Which fields are set depends on ``kind`` and ``operation``:

    - ``SUBMIT`` of an ``INFORMATION`` request: ``requester``, ``due_date``,
      ``details``, ``purpose``, ``obtain_method`` (``delivery_method`` for a copy,
      ``document_local_id`` when the request cites a document of the OPD);
    - ``SUBMIT`` of an ``OBJECTION``: ``requester``, ``due_date``, ``reason``,
      ``parent_registration_number`` (the request objected to), ``statement``;
    - ``CANCEL``: ``reference`` (the OPD's id from the receipt of the earlier
      delivery, when there was one) and an optional ``cancel_reason``.

    ``registration_number`` is the idempotency key: the same number delivered
    twice is the same submission. The text fields (``details``, ``purpose``,
    ``statement``, ``cancel_reason``) are left out of ``repr`` with the
    requester, since citizens write personal data into them.
    """

    registration_number: RegistrationNumberText
    """The gateway's number, ``PI/2026/DINKES/000123`` (objection ``KB/…``): the idempotency key."""
    kind: RequestKind
    """A request for information or an objection."""
    operation: SubmissionOperation = SubmissionOperation.SUBMIT
    """Register it, or cancel it."""
    received_at: AwareDatetime
    """When the gateway received it (for ``CANCEL``: received the cancellation); timezone-aware."""
    due_date: dt.date | None = None
    """The date (WIB) by which the written notice is due, in working days (``SUBMIT``)."""
    requester: RequesterDetails | None = None
    """Who asks (``SUBMIT``). Personal data: never log it."""
    details: str | None = Field(default=None, repr=False)
    """Rincian informasi: what is asked for (``INFORMATION``)."""
    purpose: str | None = Field(default=None, repr=False)
    """Tujuan penggunaan: what it will be used for (``INFORMATION``)."""
    obtain_method: ObtainMethod | None = None
    """How the requester wants to obtain it (``INFORMATION``)."""
    delivery_method: DeliveryMethod | None = None
    """How a copy is delivered; ``None`` when the requester only views it."""
    document_local_id: str | None = None
    """The OPD's local id of the document the request cites, when it cites one."""
    reason: ObjectionReason | None = None
    """The objection's reason, Pasal 35(1) a–g (``OBJECTION``)."""
    statement: str | None = Field(default=None, repr=False)
    """The objection's account of the case (kasus posisi), when given (``OBJECTION``)."""
    parent_registration_number: RegistrationNumberText | None = None
    """The registration number of the request objected to (``OBJECTION``)."""
    cancel_reason: str | None = Field(default=None, repr=False)
    """Why the requester withdraws, when they said (``CANCEL``)."""
    reference: str | None = None
    """``CANCEL``: the OPD's reference from the :class:`UpstreamReceipt` of the earlier delivery."""

    @model_validator(mode="after")
    def _fields_fit_kind_and_operation(self) -> Submission:
        missing: list[str] = []
        if self.operation is SubmissionOperation.SUBMIT:
            wanted = ["requester", "due_date"]
            if self.kind is RequestKind.INFORMATION:
                wanted += ["details", "purpose", "obtain_method"]
            else:
                wanted += ["reason", "parent_registration_number"]
            missing = [name for name in wanted if getattr(self, name) is None]
            if self.cancel_reason is not None:
                raise ValueError("cancel_reason belongs to a CANCEL, not a SUBMIT")
            if self.reference is not None:
                raise ValueError("reference belongs to a CANCEL: a new submission has no OPD reference yet")
        if missing:
            raise ValueError(f"a {self.kind.value} {self.operation.value} needs {', '.join(missing)}")
        return self


class UpstreamReceipt(_Record):
    """The OPD's acknowledgement of a delivered :class:`Submission`."""

    reference: LocalId
    """The OPD's own id for the request (its local number, ``440/0012/DINKES/2026``)."""
    accepted_at: dt.datetime | None = None
    """When the OPD says it accepted it (naive values are taken as WIB); ``None`` when it does not say."""
    duplicate: bool = False
    """True when the OPD already had this registration number: a repeated delivery, nothing new created."""

    @model_validator(mode="after")
    def _naive_time_is_wib(self) -> UpstreamReceipt:
        object.__setattr__(self, "accepted_at", _assume_wib(self.accepted_at))
        return self


class UpstreamRequestStatus(_Record):
    """Where a request stands in the OPD's own system (``REQUEST_STATUS``)."""

    reference: LocalId
    """The OPD's id, as given to :meth:`~connectors.Connector.request_status`."""
    state: RequestState
    """The state, in the gateway's words."""
    message: str | None = None
    """The OPD's note on the state (the notice, a reason for an extension)."""
    updated_at: dt.datetime | None = None
    """When the state last changed (naive values are taken as WIB)."""
    refusal_ground: ExemptionGround | None = None
    """For ``REFUSED`` (or the exempt parts of ``PARTIALLY_GRANTED``): the Pasal 17 ground."""
    holding_body: str | None = None
    """For ``NOT_HELD``: the body that holds the information, when the OPD knows."""

    @model_validator(mode="after")
    def _naive_time_is_wib(self) -> UpstreamRequestStatus:
        object.__setattr__(self, "updated_at", _assume_wib(self.updated_at))
        return self
