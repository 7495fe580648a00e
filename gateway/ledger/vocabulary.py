"""The ledger's own words: who acted, and what the outbox delivers.

The request service's words (kinds, states, reasons, methods) are in
:mod:`gateway.kip.vocabulary`; the ledger stores those as they are.
"""

from __future__ import annotations

import enum

__all__ = ["ActorKind", "OutboxOperation", "OutboxStatus"]


class ActorKind(enum.Enum):
    """Who made a change or read personal data."""

    REQUESTER = "REQUESTER"
    """The requester (a person or a legal entity), proved by the access code."""
    OFFICER = "OFFICER"
    """A PPID officer of the OPD the request is routed to."""
    PPID_UTAMA = "PPID_UTAMA"
    """The province's main information officer."""
    SYSTEM = "SYSTEM"
    """The gateway itself: the outbox worker, a scheduled job."""


class OutboxOperation(enum.Enum):
    """What an outbox entry asks an OPD's connector to do."""

    SUBMIT_REQUEST = "SUBMIT_REQUEST"
    SUBMIT_OBJECTION = "SUBMIT_OBJECTION"
    CANCEL = "CANCEL"


class OutboxStatus(enum.Enum):
    """Where a delivery stands."""

    PENDING = "PENDING"
    """Waiting for its next attempt (or being attempted, while claimed)."""
    DELIVERED = "DELIVERED"
    """The OPD accepted it; never delivered again."""
    FAILED_PERMANENTLY = "FAILED_PERMANENTLY"
    """Given up: the OPD refused it for good, or the attempts ran out. Officers serve it from the inbox."""
