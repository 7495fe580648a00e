"""The request desk of one simulated OPD: the requests its portal received, kept in memory.

Each dialect with intake (:mod:`simulator.dialects.laravel`, ``drf``) puts its
own paths, names, envelope and error shapes around one :class:`IntakeDesk`.
The desk does what a FOIA portal's back office does: it checks a submission,
gives it the OPD's own number (``440/0012/DINKES/2026``), answers a
registration number it already has with that number again (idempotent), and
keeps each request's state, which an operator changes through the control
API (``POST /_sim/requests/{slug}/{id}``). The body of a submission is read
through the same field map the dialect's ``intake:`` block declares
(:func:`connectors.rest.settings.intake_targets`), so the two never drift.

Requests live as long as the process: nothing is written to disk.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from connectors.fieldpath import MISSING, read_path
from connectors.records import WIB, ExemptionGround
from connectors.rest.settings import intake_targets
from connectors.vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RequestState,
)

from .directory import opd_index
from .plan import SIM_INTAKE_SECRET, SIM_INTAKE_SECRET_HEADER, OpdPlan

__all__ = ["CANCELLABLE", "IntakeDesk", "ReceivedRequest", "SubmissionInvalidError"]

CANCELLABLE = frozenset({RequestState.RECEIVED, RequestState.IN_PROCESS, RequestState.EXTENDED})
"""States a request can still be cancelled from: no outcome yet."""
_NEEDS_NIK = frozenset({RequesterType.INDIVIDUAL, RequesterType.PROXY})
E = TypeVar("E", bound=enum.Enum)


class SubmissionInvalidError(ValueError):
    """A submission the desk refuses: ``problems`` maps the dialect's field path to its messages.

    The path ``""`` holds a problem with the submission as a whole.
    """

    def __init__(self, problems: Mapping[str, list[str]]) -> None:
        first = next(iter(problems.values()))[0]
        super().__init__(first)
        self.problems = dict(problems)


@dataclass
class ReceivedRequest:
    """One request or objection as the OPD holds it."""

    id: str
    """The OPD's own number for it."""
    registration_number: str
    """The gateway's number, as delivered."""
    kind: RequestKind
    """Request or objection."""
    body: dict[str, Any]
    """The first accepted body, as the dialect received it."""
    received_at: dt.datetime
    """When the OPD stored it."""
    state: RequestState = RequestState.RECEIVED
    """Its state, changed by the operator (or by a cancellation)."""
    message: str | None = None
    """The OPD's note on the state."""
    updated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(WIB))
    """When the state last changed."""
    refusal_ground: ExemptionGround | None = None
    """The Pasal 17 ground of a refusal."""
    holding_body: str | None = None
    """For ``NOT_HELD``: who holds the information."""
    deliveries: int = 1
    """Accepted deliveries of this registration number: 1, plus each repeat answered 409."""
    cancellations: int = 0
    """Accepted cancellation calls (a repeated cancellation counts again)."""

    def summary(self) -> dict[str, Any]:
        """What the control API lists: everything, in the gateway's words."""
        return {
            "id": self.id,
            "registration_number": self.registration_number,
            "kind": self.kind.value,
            "state": self.state.value,
            "message": self.message,
            "received_at": self.received_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "refusal_ground": self.refusal_ground.value if self.refusal_ground else None,
            "holding_body": self.holding_body,
            "deliveries": self.deliveries,
            "cancellations": self.cancellations,
            "body": self.body,
        }


class IntakeDesk:
    """The requests one simulated OPD received, with its numbering and its field map."""

    def __init__(self, plan: OpdPlan, fields: Mapping[str, str | None]) -> None:
        """``fields`` is the ``intake.fields`` map of the OPD's dialect."""
        self.plan = plan
        self.paths = intake_targets(dict(fields))
        """Where each of our submission fields is in this dialect's body."""
        self._by_id: dict[str, ReceivedRequest] = {}
        self._by_number: dict[str, ReceivedRequest] = {}
        # Numbers keep counting across a reset, so an old reference never names a new request.
        self._sequence = itertools.count(1)
        self._unit = "".join(ch for ch in plan.slug.upper() if ch.isalnum())
        self._classification = 400 + opd_index(plan.slug) % 100

    @staticmethod
    def authorized(headers: Mapping[str, str]) -> bool:
        """True when ``headers`` carry the intake's shared secret."""
        return headers.get(SIM_INTAKE_SECRET_HEADER) == SIM_INTAKE_SECRET

    def where(self, ours: str) -> str:
        """The dialect's path of our field ``ours`` (``requester.nik`` → ``pemohon.nik``)."""
        return self.paths.get(ours, ours)

    def submit(self, body: Any) -> tuple[ReceivedRequest, bool]:
        """Store a new submission, or find the one with its registration number: ``(request, created)``.

        Raises :class:`SubmissionInvalidError` naming every field that is wrong.
        """
        kind = self._check(body)
        number = str(read_path(body, self.where("registration_number"))).strip()
        existing = self._by_number.get(number)
        if existing is not None:
            existing.deliveries += 1
            return existing, False
        now = dt.datetime.now(WIB)
        request = ReceivedRequest(
            id=f"{self._classification}/{next(self._sequence):04d}/{self._unit}/{now.year}",
            registration_number=number,
            kind=kind,
            body=body,
            received_at=now,
            updated_at=now,
        )
        self._by_id[request.id] = request
        self._by_number[number] = request
        return request, True

    def cancel(self, reference: str, body: Any) -> ReceivedRequest | None:
        """Cancel the request ``reference`` (``None`` when unknown); cancelling again is a no-op.

        Raises :class:`SubmissionInvalidError` when the body names another
        registration number, or when the request already has an outcome.
        """
        request = self._by_id.get(reference)
        if request is None:
            return None
        at = self.where("registration_number")
        number = read_path(body, at) if isinstance(body, Mapping) else MISSING
        if number is not MISSING and str(number).strip() != request.registration_number:
            raise SubmissionInvalidError({at: [f"{reference} is not registration number {number}."]})
        if request.state is not RequestState.CANCELLED:
            if request.state not in CANCELLABLE:
                message = f"{reference} has an outcome ({request.state.value}) and cannot be cancelled."
                raise SubmissionInvalidError({"": [message]})
            reason = read_path(body, self.where("cancel_reason")) if isinstance(body, Mapping) else MISSING
            self.change(
                reference,
                {"state": "CANCELLED", "message": None if reason is MISSING else str(reason)},
            )
        request.cancellations += 1
        return request

    def get(self, reference: str) -> ReceivedRequest | None:
        """The request the OPD numbered ``reference``."""
        return self._by_id.get(reference)

    def requests(self) -> list[ReceivedRequest]:
        """Every request received, oldest first."""
        return list(self._by_id.values())

    def change(self, reference: str, changes: Mapping[str, Any]) -> ReceivedRequest | None:
        """Set ``state`` (a :class:`RequestState` name), ``message``, ``refusal_ground``, ``holding_body``.

        A new ``state`` clears the message, ground and holder of the old one,
        unless the same change sets them. ``None`` when the OPD has no such
        request; ``ValueError`` for a change it cannot make.
        """
        request = self._by_id.get(reference)
        if request is None:
            return None
        unknown = sorted(set(changes) - {"state", "message", "refusal_ground", "holding_body"})
        if unknown:
            allowed = "state, message, refusal_ground, holding_body"
            raise ValueError(f"unknown fields {', '.join(unknown)}; use {allowed}")
        state = request.state
        if "state" in changes:
            state = _member(RequestState, changes["state"], "state")
            changes = {"message": None, "refusal_ground": None, "holding_body": None, **changes}
        ground = request.refusal_ground
        if "refusal_ground" in changes:
            raw = changes["refusal_ground"]
            ground = None if raw is None else _member(ExemptionGround, str(raw).upper(), "refusal_ground")
        request.state, request.refusal_ground = state, ground
        if "message" in changes:
            request.message = None if changes["message"] is None else str(changes["message"])
        if "holding_body" in changes:
            request.holding_body = None if changes["holding_body"] is None else str(changes["holding_body"])
        request.updated_at = dt.datetime.now(WIB)
        return request

    def reset(self) -> None:
        """Forget every request (numbers keep counting)."""
        self._by_id.clear()
        self._by_number.clear()

    def _check(self, body: Any) -> RequestKind:
        if not isinstance(body, Mapping):
            raise SubmissionInvalidError({"": ["The body must be a JSON object."]})
        problems: dict[str, list[str]] = {}

        def text(ours: str, *, required: bool = True) -> str | None:
            at = self.where(ours)
            value = read_path(body, at)
            if value is MISSING or (isinstance(value, str) and not value.strip()):
                if required:
                    problems.setdefault(at, []).append(f"The {at} field is required.")
                return None
            if not isinstance(value, str):
                problems.setdefault(at, []).append(f"The {at} field must be a string.")
                return None
            return value.strip()

        def choice(ours: str, enum_type: type[E], *, required: bool = True) -> E | None:
            value = text(ours, required=required)
            if value is None:
                return None
            if value not in enum_type.__members__:
                allowed = ", ".join(enum_type.__members__)
                problems.setdefault(self.where(ours), []).append(
                    f"The selected {self.where(ours)} is invalid; use one of {allowed}."
                )
                return None
            return enum_type[value]

        text("registration_number")
        kind = choice("kind", RequestKind)
        received = text("received_at")
        if received is not None:
            try:
                dt.datetime.fromisoformat(received)
            except ValueError:
                problems.setdefault(self.where("received_at"), []).append("Not an ISO 8601 date and time.")
        requester_type = choice("requester.type", RequesterType)
        text("requester.name")
        text("requester.address")
        nik = text("requester.nik", required=requester_type in _NEEDS_NIK)
        if nik is not None and not (len(nik) == 16 and nik.isdigit()):
            problems.setdefault(self.where("requester.nik"), []).append("A NIK has 16 digits.")
        text("requester.legal_entity_number", required=requester_type is RequesterType.ORGANIZATION)
        phone = text("requester.phone", required=False)
        if text("requester.email", required=False) is None and phone is None:
            at = self.where("requester.phone")
            problems.setdefault(at, []).append(f"The {at} field is required when no e-mail is given.")
        if kind is RequestKind.INFORMATION:
            text("details")
            text("purpose")
            obtain = choice("obtain_method", ObtainMethod)
            copy = obtain in (ObtainMethod.COPY_SOFT, ObtainMethod.COPY_HARD)
            choice("delivery_method", DeliveryMethod, required=copy)
        elif kind is RequestKind.OBJECTION:
            choice("reason", ObjectionReason)
            text("parent_registration_number")
        if problems:
            raise SubmissionInvalidError(problems)
        assert kind is not None
        return kind


def _member(enum_type: type[E], value: Any, name: str) -> E:
    if not isinstance(value, str) or value not in enum_type.__members__:
        raise ValueError(f"{name} must be one of {', '.join(enum_type.__members__)}, not {value!r}")
    return enum_type[value]
