"""The worker's side of the outbox: claim due deliveries, report how each went.

Every call is its own short transaction, so no lock is held while the OPD is
being called. A claim is a lease: ``claimed_by`` and ``claimed_until``. A
worker that dies mid-delivery loses nothing; when the lease runs out the
entry is claimable again, and delivered a second time, which the OPD side
must accept (deliveries are idempotent on the registration number).

How concurrent claimers never get the same entry:

- PostgreSQL: the due rows are selected ``FOR UPDATE SKIP LOCKED``, so a
  second worker skips the rows the first is claiming instead of waiting for them;
- SQLite: the transaction holds the file's write lock from its start
  (``BEGIN IMMEDIATE``), so claims run one after another.

Either way the ``UPDATE`` repeats the claimable condition, so an entry is
only ever taken while unclaimed or with its lease run out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from .clock import Clock
from .engine import begin
from .errors import LeaseLost
from .rows import OutboxRow, row_from_mapping
from .tables import outbox, requests
from .vocabulary import OutboxOperation, OutboxStatus

__all__ = ["Outbox", "OutboxBacklog"]

_SUBMISSIONS = frozenset({OutboxOperation.SUBMIT_REQUEST, OutboxOperation.SUBMIT_OBJECTION})


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    """How far delivery is behind: what operators watch."""

    pending: int
    """Entries waiting for delivery, due or not."""
    failed: int
    """Entries given up: their requests are answered from the gateway's inbox."""
    oldest_pending_since: datetime | None
    """When the oldest pending entry was queued; ``None`` when nothing is pending."""


class Outbox:
    """Deliveries to OPDs as the outbox worker sees them; get it as :attr:`Ledger.outbox`."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def claim_due(
        self, worker_id: str, *, limit: int, now: datetime, lease: timedelta
    ) -> list[OutboxRow]:
        """Claim up to ``limit`` pending entries due at ``now``, oldest due first, for ``lease``.

        Each claim counts as an attempt, so an entry whose worker keeps crashing
        still runs out of attempts.
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        if lease <= timedelta(0):
            raise ValueError(f"lease must be positive, not {lease}")
        async with begin(self._engine) as connection:
            due = (
                sa.select(outbox.c.id)
                .where(_claimable(now))
                .order_by(outbox.c.next_attempt_at, outbox.c.id)
                .limit(limit)
                # PostgreSQL locks the rows and skips those another claimer holds; SQLite
                # renders nothing here, its write lock already makes claims take turns.
                .with_for_update(skip_locked=True)
            )
            ids = list((await connection.execute(due)).scalars())
            if not ids:
                return []
            claim = (
                sa.update(outbox)
                .where(outbox.c.id.in_(ids), _claimable(now))
                .values(claimed_by=worker_id, claimed_until=now + lease, attempts=outbox.c.attempts + 1)
                .returning(*outbox.c)
            )
            rows = [row_from_mapping(OutboxRow, row) for row in (await connection.execute(claim)).mappings()]
        return sorted(rows, key=lambda row: (row.next_attempt_at, row.id))

    async def mark_delivered(
        self, entry_id: int, worker_id: str, *, upstream_reference: str | None, now: datetime
    ) -> OutboxRow:
        """The OPD accepted the entry: it is never claimed again.

        A submission's ``upstream_reference`` (the OPD's own number) is written
        on its request too, in the same transaction, while the request is still
        routed to that OPD (a request forwarded elsewhere meanwhile keeps none
        of the first OPD's numbers). Raises :class:`LeaseLost` when ``worker_id``
        does not hold the entry.
        """
        async with begin(self._engine) as connection:
            row = await _finish(
                connection,
                entry_id,
                worker_id,
                status=OutboxStatus.DELIVERED,
                delivered_at=now,
                upstream_reference=upstream_reference,
                claimed_until=None,
                last_error=None,
            )
            if upstream_reference is not None and row.operation in _SUBMISSIONS:
                await connection.execute(
                    sa.update(requests)
                    .where(requests.c.id == row.request_id, requests.c.opd_slug == row.opd_slug)
                    .values(
                        upstream_reference=upstream_reference,
                        version=requests.c.version + 1,
                        updated_at=self._clock(),
                    )
                )
        return row

    async def mark_retry(
        self, entry_id: int, worker_id: str, *, error: str, next_attempt_at: datetime
    ) -> OutboxRow:
        """The attempt failed but may succeed later: release the entry until ``next_attempt_at``.

        ``error`` is kept as ``last_error``; it must hold no personal data.
        """
        async with begin(self._engine) as connection:
            return await _finish(
                connection,
                entry_id,
                worker_id,
                next_attempt_at=next_attempt_at,
                last_error=error,
                claimed_by=None,
                claimed_until=None,
            )

    async def mark_failed_permanently(self, entry_id: int, worker_id: str, *, error: str) -> OutboxRow:
        """Give the entry up (the OPD refused it for good, or attempts ran out); officers take over."""
        async with begin(self._engine) as connection:
            return await _finish(
                connection,
                entry_id,
                worker_id,
                status=OutboxStatus.FAILED_PERMANENTLY,
                last_error=error,
                claimed_until=None,
            )

    async def backlog(self) -> OutboxBacklog:
        """Pending and given-up entries, and the age of the oldest pending one."""
        statement = sa.select(
            sa.func.count().filter(outbox.c.status == OutboxStatus.PENDING),
            sa.func.count().filter(outbox.c.status == OutboxStatus.FAILED_PERMANENTLY),
            # min() keeps the column's type, so the time comes back aware on both backends
            sa.func.min(outbox.c.created_at).filter(outbox.c.status == OutboxStatus.PENDING),
        ).select_from(outbox)
        async with begin(self._engine, read_only=True) as connection:
            pending, failed, oldest = (await connection.execute(statement)).one()
        return OutboxBacklog(int(pending or 0), int(failed or 0), oldest)

    async def pending_count(self) -> int:
        """How many entries wait for delivery, due or not, claimed or not."""
        async with begin(self._engine, read_only=True) as connection:
            count = await connection.scalar(
                sa.select(sa.func.count()).select_from(outbox).where(outbox.c.status == OutboxStatus.PENDING)
            )
        return int(count or 0)


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        outbox.c.status == OutboxStatus.PENDING,
        outbox.c.next_attempt_at <= now,
        sa.or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until <= now),
    )


async def _finish(connection: AsyncConnection, entry_id: int, worker_id: str, **values: Any) -> OutboxRow:
    statement = (
        sa.update(outbox)
        .where(
            outbox.c.id == entry_id,
            outbox.c.claimed_by == worker_id,
            outbox.c.status == OutboxStatus.PENDING,
        )
        .values(**values)
        .returning(*outbox.c)
    )
    row = (await connection.execute(statement)).mappings().first()
    if row is None:
        raise LeaseLost(entry_id, worker_id)
    return row_from_mapping(OutboxRow, row)
