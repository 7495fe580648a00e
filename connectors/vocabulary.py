"""The words of the request service: kinds, states, reasons, methods (UU KIP, Perki 1/2021).

They belong to the connector contract because the gateway and an OPD's own
PPID system must name the same things the same way: a connector with
``REQUEST_INTAKE`` receives them in a :class:`~connectors.intake.Submission`
and reports a :class:`RequestState` back. The gateway re-exports them from
``gateway.kip.vocabulary``.
"""

from __future__ import annotations

import enum

__all__ = [
    "DeliveryMethod",
    "ObjectionReason",
    "ObtainMethod",
    "RequestKind",
    "RequestState",
    "RequesterType",
    "RoutedBy",
]


class RequestKind(enum.Enum):
    """What was filed."""

    INFORMATION = "INFORMATION"
    """A request for information (permohonan informasi), number ``PI/…``."""
    OBJECTION = "OBJECTION"
    """An objection (keberatan), number ``KB/…``."""


class RequestState(enum.Enum):
    """Where a request or objection stands. ``OVERDUE`` is derived, never stored.

    An information request moves ``RECEIVED → IN_PROCESS → (EXTENDED) →`` one
    outcome, or to ``CANCELLED`` before an outcome; an objection moves
    ``RECEIVED → IN_PROCESS → DECIDED → (DISPUTED)``.
    """

    RECEIVED = "RECEIVED"
    """Registered; nobody has started on it yet."""
    IN_PROCESS = "IN_PROCESS"
    """The PPID is working on it."""
    EXTENDED = "EXTENDED"
    """The deadline was extended once, by at most 7 working days, with written reasons (Pasal 22(8))."""
    GRANTED = "GRANTED"
    """Outcome: the information is given in full."""
    PARTIALLY_GRANTED = "PARTIALLY_GRANTED"
    """Outcome: given in part, the exempt parts blacked out with reasons."""
    REFUSED = "REFUSED"
    """Outcome: refused on a Pasal 17 exemption ground."""
    NOT_HELD = "NOT_HELD"
    """Outcome: the body does not hold the information (and says which body does, if known)."""
    CANCELLED = "CANCELLED"
    """Withdrawn by the requester before an outcome."""
    DECIDED = "DECIDED"
    """An objection the atasan PPID has answered."""
    DISPUTED = "DISPUTED"
    """Taken to the Komisi Informasi after the objection."""


class RequesterType(enum.Enum):
    """Who asks (UU KIP Pasal 1, 4)."""

    INDIVIDUAL = "INDIVIDUAL"
    """An Indonesian citizen asking for themselves (identified by NIK)."""
    ORGANIZATION = "ORGANIZATION"
    """An Indonesian legal entity (identified by its ratification number)."""
    PROXY = "PROXY"
    """A person asking on someone's behalf, with a power of attorney (identified by their own NIK)."""


class ObtainMethod(enum.Enum):
    """How the requester wants to obtain the information."""

    VIEW = "VIEW"
    """Melihat / membaca / mendengarkan / mencatat: see it, no copy."""
    COPY_SOFT = "COPY_SOFT"
    """A softcopy (salinan elektronik)."""
    COPY_HARD = "COPY_HARD"
    """A hardcopy (salinan cetak)."""


class DeliveryMethod(enum.Enum):
    """How a copy is delivered."""

    PICK_UP = "PICK_UP"
    """Collected in person at the PPID desk."""
    COURIER = "COURIER"
    """Sent by courier."""
    POST = "POST"
    """Sent by post."""
    FAX = "FAX"
    """Sent by fax."""
    EMAIL = "EMAIL"
    """Sent by e-mail (softcopy only)."""


class ObjectionReason(enum.Enum):
    """The reason of an objection, UU KIP Pasal 35(1) a–g."""

    A = "A"
    """Refused on a Pasal 17 exemption."""
    B = "B"
    """Periodic information (Pasal 9) not provided."""
    C = "C"
    """The request was not responded to."""
    D = "D"
    """Responded to other than as requested."""
    E = "E"
    """The request was not fulfilled."""
    F = "F"
    """Unreasonable fees."""
    G = "G"
    """Information delivered late."""


class RoutedBy(enum.Enum):
    """Why a submission went to the OPD it went to."""

    EXPLICIT = "EXPLICIT"
    """The requester chose the OPD."""
    DOCUMENT = "DOCUMENT"
    """The OPD owns the document the request cites."""
    RULE = "RULE"
    """A routing rule of the gateway's config matched."""
    DEFAULT = "DEFAULT"
    """Nothing else applied: PPID Utama."""
