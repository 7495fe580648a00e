"""What a forward does to a request's deliveries: withdraw it from the first OPD, deliver it to the next.

The outbox holds one entry per request, OPD and operation. When PPID Utama
forwards a request from OPD A to OPD B, in the forward's own transaction:

At A (:class:`Withdrawal`):

- no delivery was queued for A (A takes no requests): nothing to do;
- the delivery was queued but never attempted: it is dropped, and A never
  hears of the request;
- the delivery was given up (A refused it, or never answered): nothing to
  withdraw, A does not hold it;
- otherwise A may hold it (delivered, or an attempt may have reached A): a
  ``CANCEL`` is queued for A with the forward's reason. The outbox worker
  sends it only after A's delivery settles, so it never overtakes it.

At B (:class:`Delivery`), when B's connector takes requests:

- the request was never queued for B: its ``SUBMIT_REQUEST`` is queued;
- B held it before (forwarded away, now back) and its withdrawal was never
  attempted: the withdrawal is dropped, and B keeps the request as it had it;
- B's system withdrew it (or refused it) before: it is not sent again, since
  B deduplicates on the registration number and would see a withdrawn
  request. B's officers answer it from the gateway's inbox.

When B takes no requests, B's officers answer it from the gateway's inbox.
The request's ``upstream_reference`` is A's number at A, so it is cleared,
or set to B's when B keeps what it had.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from gateway.identity.crypto import PersonalDataCipher
from gateway.ledger import LedgerTransaction, OutboxOperation, OutboxRow, OutboxStatus, RequestRow

from .submission import cancel_payload, submission_payload

__all__ = ["Delivery", "Handover", "Withdrawal", "hand_over"]


_SUBMIT = OutboxOperation.SUBMIT_REQUEST
_CANCEL = OutboxOperation.CANCEL


class Withdrawal(enum.Enum):
    """What happened at the OPD the request was forwarded from."""

    NOTHING_QUEUED = "NOTHING_QUEUED"
    """It takes no requests through its connector, or none was queued for it."""
    DROPPED = "DROPPED"
    """Its delivery was never attempted, and was dropped."""
    NEVER_DELIVERED = "NEVER_DELIVERED"
    """Its delivery was given up: it does not hold the request."""
    CANCEL_QUEUED = "CANCEL_QUEUED"
    """A ``CANCEL`` is queued for it, to follow its delivery."""
    ALREADY_WITHDRAWN = "ALREADY_WITHDRAWN"
    """A ``CANCEL`` was queued for it before (the request was forwarded away from it once already)."""


class Delivery(enum.Enum):
    """What happens at the OPD the request is forwarded to."""

    NO_INTAKE = "NO_INTAKE"
    """It takes no requests through its connector: its officers answer from the gateway's inbox."""
    QUEUED = "QUEUED"
    """Its ``SUBMIT_REQUEST`` is queued."""
    KEPT = "KEPT"
    """It held the request before and its withdrawal never left: it keeps it."""
    INBOX = "INBOX"
    """Its system withdrew (or refused) the request before: its officers answer from the gateway's inbox."""


@dataclass(frozen=True, slots=True)
class Handover:
    """The deliveries' side of a forward."""

    withdrawal: Withdrawal
    delivery: Delivery
    upstream_reference: str | None
    """The new OPD's own number for the request, when it already has one."""


async def hand_over(
    tx: LedgerTransaction,
    cipher: PersonalDataCipher,
    *,
    before: RequestRow,
    after: RequestRow,
    accepts_intake: Callable[[str], bool],
    reason: str,
    to_name: str,
    now: datetime,
) -> Handover:
    """Withdraw ``before`` from its OPD and deliver ``after`` (the forwarded row) to its new one.

    ``reason`` is the forward's, told to the first OPD with ``to_name``, the
    new OPD's name. Call it in the forward's transaction, after the request
    row was updated (which holds the row against a concurrent forward).
    """
    entries = await tx.outbox_entries(before.id)
    withdrawal = await _withdraw(tx, cipher, entries, before, why=f"{to_name}: {reason}", now=now)
    if not accepts_intake(after.opd_slug):
        return Handover(withdrawal, Delivery.NO_INTAKE, None)
    submitted = _entry(entries, after.opd_slug, _SUBMIT)
    if submitted is None:
        await tx.enqueue(
            after.id, opd_slug=after.opd_slug, operation=_SUBMIT, payload=submission_payload(after), now=now
        )
        return Handover(withdrawal, Delivery.QUEUED, None)
    cancel = _entry(entries, after.opd_slug, _CANCEL)
    alive = submitted.status is not OutboxStatus.FAILED_PERMANENTLY
    if alive and (cancel is None or await tx.drop_unsent(cancel.id)):
        delivered = submitted.status is OutboxStatus.DELIVERED
        return Handover(withdrawal, Delivery.KEPT, submitted.upstream_reference if delivered else None)
    return Handover(withdrawal, Delivery.INBOX, None)


async def _withdraw(
    tx: LedgerTransaction,
    cipher: PersonalDataCipher,
    entries: list[OutboxRow],
    row: RequestRow,
    *,
    why: str,
    now: datetime,
) -> Withdrawal:
    submitted = _entry(entries, row.opd_slug, _SUBMIT)
    if submitted is None:
        return Withdrawal.NOTHING_QUEUED
    if await tx.drop_unsent(submitted.id):
        return Withdrawal.DROPPED
    if submitted.status is OutboxStatus.FAILED_PERMANENTLY:
        return Withdrawal.NEVER_DELIVERED
    if _entry(entries, row.opd_slug, _CANCEL) is not None:
        return Withdrawal.ALREADY_WITHDRAWN
    # the OPD's PPID reads it, in Indonesian first; encrypted, as a requester's reason is
    text = f"Diteruskan oleh PPID Utama ke / forwarded by PPID Utama to {why}"
    payload = cancel_payload(row.registration_number, text, cipher)
    await tx.enqueue(row.id, opd_slug=row.opd_slug, operation=_CANCEL, payload=payload, now=now)
    return Withdrawal.CANCEL_QUEUED


def _entry(entries: list[OutboxRow], opd_slug: str, operation: OutboxOperation) -> OutboxRow | None:
    return next((e for e in entries if e.opd_slug == opd_slug and e.operation is operation), None)
