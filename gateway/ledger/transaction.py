"""Everything the request service writes and reads, inside one database transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Unpack

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.kip.vocabulary import RequestKind, RequestState

from .clock import Clock
from .dialects import insert
from .errors import (
    ConcurrentUpdate,
    DuplicateIdempotencyKey,
    DuplicateOutboxEntry,
    DuplicateRegistrationNumber,
    RequestNotFound,
)
from .inbox import InboxQuery, InboxRow, count_statement, page_statement
from .rows import (
    EventRow,
    HolidayOverrideRow,
    IdempotencyRow,
    NewRequest,
    OutboxRow,
    PersonalDataReadRow,
    RequestChanges,
    RequestRow,
    row_from_mapping,
)
from .tables import (
    holiday_overrides,
    idempotency_keys,
    outbox,
    personal_data_reads,
    registration_counters,
    request_events,
    requests,
)
from .vocabulary import ActorKind, OutboxOperation, OutboxStatus

__all__ = ["LedgerTransaction"]

_CHANGEABLE = frozenset(RequestChanges.__annotations__)
# the lifecycle's open states; spelled here so that the ledger does not depend on the rules
_AWAITING_ANSWER = (RequestState.RECEIVED, RequestState.IN_PROCESS, RequestState.EXTENDED)


class LedgerTransaction:
    """The ledger's repository, bound to one open transaction (see :meth:`Ledger.transaction`).

    Everything done through one instance commits together or not at all: a
    submission's registration number, request row, first event, idempotency
    key and outbox entry. Conflicts that a caller can act on are raised as
    ledger errors without spoiling the transaction (``INSERT … ON CONFLICT DO
    NOTHING`` rather than a failed insert), though usually the caller lets the
    error roll everything back.
    """

    def __init__(self, connection: AsyncConnection, clock: Clock) -> None:
        self._connection = connection
        self._clock = clock

    # -- registration numbers

    async def next_registration_sequence(self, kind: RequestKind, year: int, opd_code: str) -> int:
        """The next sequence number for (``kind``, ``year``, ``opd_code``), from 1.

        The counter row is incremented in this transaction and stays locked
        until it ends, so concurrent submissions (tasks, processes, replicas)
        get distinct numbers, and a rolled-back submission gives its number back:
        no duplicates and no gaps.
        """
        statement = insert(self._connection, registration_counters).values(
            kind=kind, year=year, opd_code=opd_code, last_value=1
        )
        statement = statement.on_conflict_do_update(
            index_elements=["kind", "year", "opd_code"],
            set_={"last_value": registration_counters.c.last_value + 1},
        )
        value = await self._connection.scalar(statement.returning(registration_counters.c.last_value))
        assert value is not None  # an upsert always returns its row
        return int(value)

    # -- requests

    async def insert_request(self, new: NewRequest) -> RequestRow:
        """Write a new request or objection at version 1; raises :class:`DuplicateRegistrationNumber`."""
        now = self._clock()
        values = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)}
        statement = insert(self._connection, requests).values(
            **values, attached_document_ids=[], created_at=now, updated_at=now, version=1
        )
        statement = statement.on_conflict_do_nothing(index_elements=["registration_number"])
        row = (await self._connection.execute(statement.returning(*requests.c))).mappings().first()
        if row is None:
            raise DuplicateRegistrationNumber(new.registration_number)
        return row_from_mapping(RequestRow, row)

    async def get_request(self, request_id: int) -> RequestRow | None:
        """The request with ``request_id``, or ``None``."""
        return await self._one_request(requests.c.id == request_id)

    async def find_by_registration_number(self, registration_number: str) -> RequestRow | None:
        """The request numbered exactly ``registration_number`` (canonical, upper-case), or ``None``."""
        return await self._one_request(requests.c.registration_number == registration_number)

    async def find_by_nik_hash(self, nik_hash: str) -> list[RequestRow]:
        """One person's requests and objections, oldest first (to export or erase their data)."""
        return await self._requests(requests.c.nik_hash == nik_hash)

    async def objections_to(self, request_id: int) -> list[RequestRow]:
        """The objections filed against the request ``request_id``, oldest first."""
        return await self._requests(requests.c.parent_id == request_id)

    async def delivered_unanswered(
        self, opd_slugs: Iterable[str], *, after_id: int = 0, limit: int = 200
    ) -> list[RequestRow]:
        """Requests and objections of ``opd_slugs`` that reached the OPD and await its answer.

        Delivered means the OPD gave its reference; awaiting means a state of
        :data:`gateway.kip.lifecycle.OPEN_STATES`. In order of id from
        ``after_id`` (exclusive), so a caller can walk them in rounds.
        """
        slugs = list(opd_slugs)
        if not slugs:
            return []
        statement = (
            sa.select(requests)
            .where(
                requests.c.opd_slug.in_(slugs),
                requests.c.upstream_reference.is_not(None),
                requests.c.state.in_(_AWAITING_ANSWER),
                requests.c.id > after_id,
            )
            .order_by(requests.c.id)
            .limit(limit)
        )
        result = await self._connection.execute(statement)
        return [row_from_mapping(RequestRow, row) for row in result.mappings()]

    async def inbox(self, query: InboxQuery) -> list[InboxRow]:
        """One page of an officer's inbox: oldest current due date first, then by id."""
        result = await self._connection.execute(page_statement(query))
        return [
            InboxRow(row_from_mapping(RequestRow, row), row["parent_registration_number"])
            for row in result.mappings()
        ]

    async def inbox_count(self, query: InboxQuery) -> int:
        """How many requests and objections the whole inbox of ``query`` holds."""
        return int(await self._connection.scalar(count_statement(query)) or 0)

    async def update_request(self, row: RequestRow, /, **changes: Unpack[RequestChanges]) -> RequestRow:
        """Apply ``changes`` to the request ``row`` was read as, and return the new row.

        Optimistic: the update applies only while the stored version is still
        ``row.version``, and moves it on by one. Raises :class:`ConcurrentUpdate`
        when someone else changed the request since, :class:`RequestNotFound`
        when it does not exist, and ``TypeError`` for a column that cannot change.
        """
        unknown = changes.keys() - _CHANGEABLE
        if unknown:
            raise TypeError(f"update_request cannot change {', '.join(sorted(unknown))}")
        values: dict[str, Any] = dict(changes)
        if "attached_document_ids" in values:
            values["attached_document_ids"] = list(values["attached_document_ids"])
        statement = (
            sa.update(requests)
            .where(requests.c.id == row.id, requests.c.version == row.version)
            .values(**values, version=requests.c.version + 1, updated_at=self._clock())
            .returning(*requests.c)
        )
        updated = (await self._connection.execute(statement)).mappings().first()
        if updated is not None:
            return row_from_mapping(RequestRow, updated)
        if await self._connection.scalar(sa.select(requests.c.id).where(requests.c.id == row.id)) is None:
            raise RequestNotFound(row.id)
        raise ConcurrentUpdate(row.id, row.version)

    async def _one_request(self, condition: sa.ColumnElement[bool]) -> RequestRow | None:
        row = (await self._connection.execute(sa.select(requests).where(condition))).mappings().first()
        return None if row is None else row_from_mapping(RequestRow, row)

    async def _requests(self, condition: sa.ColumnElement[bool]) -> list[RequestRow]:
        statement = sa.select(requests).where(condition).order_by(requests.c.received_at, requests.c.id)
        result = await self._connection.execute(statement)
        return [row_from_mapping(RequestRow, row) for row in result.mappings()]

    # -- history

    async def add_event(
        self,
        request_id: int,
        *,
        at: datetime,
        actor_kind: ActorKind,
        actor_id: str | None,
        from_state: RequestState | None,
        to_state: RequestState,
        note: str | None = None,
    ) -> EventRow:
        """Record one step of a request's history (``from_state`` is ``None`` for its receipt)."""
        statement = (
            sa.insert(request_events)
            .values(
                request_id=request_id,
                at=at,
                actor_kind=actor_kind,
                actor_id=actor_id,
                from_state=from_state,
                to_state=to_state,
                note=note,
            )
            .returning(*request_events.c)
        )
        return row_from_mapping(EventRow, (await self._connection.execute(statement)).mappings().one())

    async def events(self, request_id: int) -> list[EventRow]:
        """The request's history, in order of time (events of the same instant in the order recorded)."""
        statement = (
            sa.select(request_events)
            .where(request_events.c.request_id == request_id)
            .order_by(request_events.c.at, request_events.c.id)
        )
        result = await self._connection.execute(statement)
        return [row_from_mapping(EventRow, row) for row in result.mappings()]

    # -- outbox

    async def enqueue(
        self,
        request_id: int,
        *,
        opd_slug: str,
        operation: OutboxOperation,
        payload: Mapping[str, Any],
        now: datetime,
    ) -> OutboxRow:
        """Queue a delivery to ``opd_slug``'s connector, due at once.

        ``payload`` must be JSON-serializable, with personal data in it
        encrypted by the caller. Raises :class:`DuplicateOutboxEntry` when the
        request already has an entry for ``operation`` to ``opd_slug`` (a request
        forwarded to another OPD gets entries of its own there).
        """
        statement = insert(self._connection, outbox).values(
            request_id=request_id,
            opd_slug=opd_slug,
            operation=operation,
            payload=dict(payload),
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        statement = statement.on_conflict_do_nothing(index_elements=["request_id", "opd_slug", "operation"])
        row = (await self._connection.execute(statement.returning(*outbox.c))).mappings().first()
        if row is None:
            raise DuplicateOutboxEntry(request_id, operation)
        return row_from_mapping(OutboxRow, row)

    async def drop_unsent(self, entry_id: int) -> bool:
        """Delete an outbox entry that no worker ever claimed; ``False`` when one did (or it is gone).

        An entry with no attempt cannot have reached its OPD, so dropping it
        withdraws the delivery without a trace at the OPD (a request forwarded
        elsewhere before its delivery). Once claimed, an attempt may have
        reached the OPD, and the caller must withdraw it there instead.
        """
        statement = (
            sa.delete(outbox)
            .where(outbox.c.id == entry_id, outbox.c.attempts == 0, outbox.c.status == OutboxStatus.PENDING)
            .returning(outbox.c.id)
        )
        return (await self._connection.execute(statement)).first() is not None

    async def outbox_entries(self, request_id: int) -> list[OutboxRow]:
        """The request's deliveries, in the order they were queued."""
        statement = sa.select(outbox).where(outbox.c.request_id == request_id).order_by(outbox.c.id)
        result = await self._connection.execute(statement)
        return [row_from_mapping(OutboxRow, row) for row in result.mappings()]

    # -- idempotency keys

    async def find_idempotency(self, scope: str, key: str) -> IdempotencyRow | None:
        """The request an idempotency key produced before, or ``None``."""
        statement = sa.select(idempotency_keys).where(
            idempotency_keys.c.scope == scope, idempotency_keys.c.key == key
        )
        row = (await self._connection.execute(statement)).mappings().first()
        return None if row is None else row_from_mapping(IdempotencyRow, row)

    async def save_idempotency(
        self, scope: str, key: str, *, fingerprint: str, request_id: int
    ) -> IdempotencyRow:
        """Tie an idempotency key to the request it produced.

        Raises :class:`DuplicateIdempotencyKey` carrying the saved row when the
        key is taken, also by a concurrent retry that committed first (on
        PostgreSQL this waits for that retry's transaction to end).
        """
        statement = insert(self._connection, idempotency_keys).values(
            scope=scope, key=key, fingerprint=fingerprint, request_id=request_id, created_at=self._clock()
        )
        statement = statement.on_conflict_do_nothing(index_elements=["scope", "key"])
        row = (await self._connection.execute(statement.returning(*idempotency_keys.c))).mappings().first()
        if row is not None:
            return row_from_mapping(IdempotencyRow, row)
        existing = await self.find_idempotency(scope, key)
        assert existing is not None  # keys are never deleted
        raise DuplicateIdempotencyKey(existing)

    # -- working-day overrides

    async def holiday_overrides(self) -> dict[date, bool]:
        """Every override: date → ``True`` (declared a working day) or ``False`` (declared a day off)."""
        result = await self._connection.execute(
            sa.select(holiday_overrides.c.day, holiday_overrides.c.working)
        )
        return {day: bool(working) for day, working in result}

    async def holiday_override_rows(self) -> list[HolidayOverrideRow]:
        """Every override with its note and who changed it last, by date."""
        result = await self._connection.execute(
            sa.select(holiday_overrides).order_by(holiday_overrides.c.day)
        )
        return [row_from_mapping(HolidayOverrideRow, row) for row in result.mappings()]

    async def set_holiday_override(
        self, day: date, *, working: bool, note: str | None, changed_by: str
    ) -> HolidayOverrideRow:
        """Declare ``day`` a working day or a day off, replacing any earlier override of it."""
        statement = insert(self._connection, holiday_overrides).values(
            day=day, working=working, note=note, changed_at=self._clock(), changed_by=changed_by
        )
        statement = statement.on_conflict_do_update(
            index_elements=["day"],
            set_={
                "working": statement.excluded.working,
                "note": statement.excluded.note,
                "changed_at": statement.excluded.changed_at,
                "changed_by": statement.excluded.changed_by,
            },
        )
        row = (await self._connection.execute(statement.returning(*holiday_overrides.c))).mappings().one()
        return row_from_mapping(HolidayOverrideRow, row)

    async def remove_holiday_override(self, day: date) -> bool:
        """Return ``day`` to the official calendar; ``False`` when it had no override."""
        statement = sa.delete(holiday_overrides).where(holiday_overrides.c.day == day)
        result = await self._connection.execute(statement.returning(holiday_overrides.c.day))
        return result.first() is not None

    # -- personal data audit

    async def record_personal_data_read(
        self,
        request_id: int,
        *,
        actor_kind: ActorKind,
        actor_id: str | None,
        fields: Iterable[str],
        purpose: str,
    ) -> PersonalDataReadRow:
        """Log that ``actor`` read the requester ``fields`` of ``request_id``, and why (UU 27/2022).

        Write it in the transaction that reads the data, so no read goes unlogged.
        """
        names = list(dict.fromkeys(fields))
        if not names:
            raise ValueError("a personal data read names at least one field")
        statement = (
            sa.insert(personal_data_reads)
            .values(
                at=self._clock(),
                actor_kind=actor_kind,
                actor_id=actor_id,
                request_id=request_id,
                fields=names,
                purpose=purpose,
            )
            .returning(*personal_data_reads.c)
        )
        row = (await self._connection.execute(statement)).mappings().one()
        return row_from_mapping(PersonalDataReadRow, row)

    async def personal_data_reads(self, request_id: int) -> list[PersonalDataReadRow]:
        """Who read the requester's data of ``request_id``, oldest first."""
        statement = (
            sa.select(personal_data_reads)
            .where(personal_data_reads.c.request_id == request_id)
            .order_by(personal_data_reads.c.at, personal_data_reads.c.id)
        )
        result = await self._connection.execute(statement)
        return [row_from_mapping(PersonalDataReadRow, row) for row in result.mappings()]
