"""The words of the request service: kinds, states, reasons, methods (DOMAIN.md)."""

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
    """Where a request or objection stands. ``OVERDUE`` is derived, never stored."""

    RECEIVED = "RECEIVED"
    IN_PROCESS = "IN_PROCESS"
    EXTENDED = "EXTENDED"
    GRANTED = "GRANTED"
    PARTIALLY_GRANTED = "PARTIALLY_GRANTED"
    REFUSED = "REFUSED"
    NOT_HELD = "NOT_HELD"
    CANCELLED = "CANCELLED"
    DECIDED = "DECIDED"
    """An objection the atasan PPID has answered."""
    DISPUTED = "DISPUTED"
    """Taken to the Komisi Informasi after the objection."""


class RequesterType(enum.Enum):
    """Who asks (UU KIP Pasal 1, 4)."""

    INDIVIDUAL = "INDIVIDUAL"
    ORGANIZATION = "ORGANIZATION"
    PROXY = "PROXY"


class ObtainMethod(enum.Enum):
    """How the requester wants to obtain the information."""

    VIEW = "VIEW"
    """Melihat / membaca / mendengarkan / mencatat."""
    COPY_SOFT = "COPY_SOFT"
    COPY_HARD = "COPY_HARD"


class DeliveryMethod(enum.Enum):
    """How a copy is delivered."""

    PICK_UP = "PICK_UP"
    COURIER = "COURIER"
    POST = "POST"
    FAX = "FAX"
    EMAIL = "EMAIL"


class ObjectionReason(enum.Enum):
    """UU KIP Pasal 35(1) a–g."""

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
    DOCUMENT = "DOCUMENT"
    RULE = "RULE"
    DEFAULT = "DEFAULT"
