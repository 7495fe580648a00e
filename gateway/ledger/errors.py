"""What the ledger raises.

::

    LedgerError
    ├── LedgerUnavailable            the database does not answer (or is locked past the busy timeout)
    ├── ConcurrentUpdate             a request row changed since it was read (optimistic concurrency)
    ├── RequestNotFound              no request row has that id
    ├── DuplicateRegistrationNumber  a registration number is already taken
    ├── DuplicateIdempotencyKey      an idempotency key is already saved; carries the saved row
    ├── DuplicateOutboxEntry         a request already has an outbox entry for that operation
    └── LeaseLost                    an outbox entry is no longer claimed by the worker that reports on it

None of them carries personal data or a database password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rows import IdempotencyRow
    from .vocabulary import OutboxOperation

__all__ = [
    "ConcurrentUpdate",
    "DuplicateIdempotencyKey",
    "DuplicateOutboxEntry",
    "DuplicateRegistrationNumber",
    "LeaseLost",
    "LedgerError",
    "LedgerUnavailable",
    "RequestNotFound",
]


class LedgerError(Exception):
    """The base of every error the ledger raises."""


class LedgerUnavailable(LedgerError):  # noqa: N818 - names the condition, as readiness probes report it
    """The database cannot be reached, or stayed locked past the busy timeout.

    The message names the database as ``driver://user@host:port/name`` without
    the password, and says why; the driver's own exception is the ``__cause__``.
    """

    def __init__(self, database: str, reason: str) -> None:
        super().__init__(
            f"the ledger database {database} is unavailable: {reason}; "
            "check that the server runs and that database.url in the config points at it"
        )
        self.database = database
        self.reason = reason


class ConcurrentUpdate(LedgerError):  # noqa: N818 - names what happened, like asyncio's CancelledError
    """Someone changed the request since it was read: read it again and redo the change."""

    def __init__(self, request_id: int, expected_version: int) -> None:
        super().__init__(
            f"request {request_id} changed since it was read "
            f"(version {expected_version} is no longer current); read it again and retry"
        )
        self.request_id = request_id
        self.expected_version = expected_version


class RequestNotFound(LedgerError, LookupError):  # noqa: N818 - a look-up miss, like KeyError
    """No request row has the given id."""

    def __init__(self, request_id: int) -> None:
        super().__init__(f"there is no request with id {request_id}")
        self.request_id = request_id


class DuplicateRegistrationNumber(LedgerError):  # noqa: N818 - names the conflict
    """The registration number is already taken; numbers come from ``next_registration_sequence``."""

    def __init__(self, registration_number: str) -> None:
        super().__init__(
            f"registration number {registration_number} is already taken; "
            "take numbers from next_registration_sequence inside the same transaction"
        )
        self.registration_number = registration_number


class DuplicateIdempotencyKey(LedgerError):  # noqa: N818 - names the conflict
    """The idempotency key was saved before (perhaps by a concurrent retry).

    ``existing`` is the saved row: compare its fingerprint with the new input's,
    roll back, and answer with the request it points to.
    """

    def __init__(self, existing: IdempotencyRow) -> None:
        super().__init__(
            f"idempotency key {existing.key!r} in scope {existing.scope!r} already belongs to "
            f"request {existing.request_id}"
        )
        self.existing = existing


class DuplicateOutboxEntry(LedgerError):  # noqa: N818 - names the conflict
    """The request already has an outbox entry for this operation: each is delivered once."""

    def __init__(self, request_id: int, operation: OutboxOperation) -> None:
        super().__init__(f"request {request_id} already has a {operation.value} entry in the outbox")
        self.request_id = request_id
        self.operation = operation


class LeaseLost(LedgerError):  # noqa: N818 - names what happened
    """The outbox entry is not (or no longer) claimed by this worker, or is no longer pending.

    Its lease ran out and another worker may have claimed it; that worker will
    deliver it again, which is why deliveries are idempotent on the registration number.
    """

    def __init__(self, entry_id: int, worker_id: str) -> None:
        super().__init__(f"outbox entry {entry_id} is not pending under a claim by worker {worker_id!r}")
        self.entry_id = entry_id
        self.worker_id = worker_id
