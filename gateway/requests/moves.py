"""The requester's own moves on what they filed: cancelling a request, disputing an objection.

Both take a registration number, its access code and an optional note; both
read the row again in the writing transaction (an officer may have acted
since the code was checked), let the lifecycle decide whether the move is
allowed today, and record it in the history with the note. What differs,
the cancellation's outbox entry and the dispute's window, stays with the caller.
"""

from __future__ import annotations

from datetime import datetime

from gateway.identity.errors import ProblemList
from gateway.identity.text_fields import TextField
from gateway.kip.lifecycle import Actor, authorize_transition
from gateway.kip.vocabulary import RequestState
from gateway.kip.working_days import receipt_date
from gateway.ledger import ActorKind, LedgerTransaction, RequestChanges, RequestRow

from .errors import RequestNotFound
from .numbers import parse_number

__all__ = ["move_by_requester", "number_and_note", "reread"]


def number_and_note(
    registration_number: str, note: str | None, *, field: str, rules: TextField
) -> tuple[str, str | None]:
    """The canonical number and the cleaned note (``None`` when blank), or both problems at once."""
    problems = ProblemList()
    number = parse_number(registration_number, problems, raise_now=False)
    cleaned = problems.check(field, lambda: rules.clean_optional(note, field=field))
    problems.raise_if_any()
    return number, cleaned


async def reread(tx: LedgerTransaction, number: str) -> RequestRow:
    """The row numbered ``number`` as ``tx`` sees it now; :class:`RequestNotFound` if there is none."""
    row = await tx.find_by_registration_number(number)
    if row is None:
        raise RequestNotFound(number)
    return row


async def move_by_requester(
    tx: LedgerTransaction,
    row: RequestRow,
    target: RequestState,
    *,
    now: datetime,
    note: str | None,
    changes: RequestChanges | None = None,
) -> RequestRow:
    """Move ``row`` to ``target`` as its requester, with other ``changes``, and record the step; the new row.

    Raises the lifecycle's :class:`~gateway.kip.errors.RuleViolation` when the
    move is not the requester's to make, or not yet (a dispute before the
    atasan's 30 days lapsed), or no longer (a cancellation after the answer).
    """
    authorize_transition(
        row.kind,
        row.state,
        target,
        actor=Actor.REQUESTER,
        today=receipt_date(now),
        due_date=row.current_due_date,
    )
    columns: RequestChanges = {**(changes or {}), "state": target}
    updated = await tx.update_request(row, **columns)
    await tx.add_event(
        row.id,
        at=now,
        actor_kind=ActorKind.REQUESTER,
        actor_id=None,
        from_state=row.state,
        to_state=target,
        note=note,
    )
    return updated
