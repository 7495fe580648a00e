"""The request ledger: information requests, objections, their history and deliveries to OPDs.

SQLAlchemy 2 (async) on a SQLite file by default and PostgreSQL in
production, with Alembic migrations shipped in the package. Callers see
frozen dataclasses and ledger errors only, never SQLAlchemy::

    ledger = await Ledger.open(config.database)
    await ledger.migrate()
    async with ledger.transaction() as tx:
        sequence = await tx.next_registration_sequence(RequestKind.INFORMATION, 2026, "DINKES")
        row = await tx.insert_request(NewRequest(...))
        await tx.enqueue(row.id, opd_slug=row.opd_slug, operation=OutboxOperation.SUBMIT_REQUEST, ...)
    await ledger.aclose()

Personal data arrives encrypted (columns ending ``_enc``) and leaves as it came.
"""

from .errors import (
    ConcurrentUpdate,
    DuplicateIdempotencyKey,
    DuplicateOutboxEntry,
    DuplicateRegistrationNumber,
    LeaseLost,
    LedgerError,
    LedgerUnavailable,
    RequestNotFound,
)
from .inbox import InboxPosition, InboxQuery, InboxRow
from .ledger import Ledger
from .outbox import Outbox, OutboxBacklog
from .rows import (
    EventRow,
    HolidayOverrideRow,
    IdempotencyRow,
    NewRequest,
    OutboxRow,
    PersonalDataReadRow,
    RequestChanges,
    RequestRow,
)
from .transaction import LedgerTransaction
from .vocabulary import ActorKind, OutboxOperation, OutboxStatus

__all__ = [
    "ActorKind",
    "ConcurrentUpdate",
    "DuplicateIdempotencyKey",
    "DuplicateOutboxEntry",
    "DuplicateRegistrationNumber",
    "EventRow",
    "HolidayOverrideRow",
    "IdempotencyRow",
    "InboxPosition",
    "InboxQuery",
    "InboxRow",
    "LeaseLost",
    "Ledger",
    "LedgerError",
    "LedgerTransaction",
    "LedgerUnavailable",
    "NewRequest",
    "Outbox",
    "OutboxBacklog",
    "OutboxOperation",
    "OutboxRow",
    "OutboxStatus",
    "PersonalDataReadRow",
    "RequestChanges",
    "RequestNotFound",
    "RequestRow",
]
