"""The request ledger: where submissions, their history and their deliveries are kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.config import DatabaseConfig

from . import migration
from .clock import Clock, utc_now
from .engine import begin, create_ledger_engine, describe_database
from .outbox import Outbox
from .transaction import LedgerTransaction

__all__ = ["Ledger"]

# pg_advisory_xact_lock key: gateway replicas starting together migrate one at a time.
_MIGRATION_LOCK = 0x70_70_69_64_6C_65_64_67  # "ppidledg"


class Ledger:
    """The ledger on one database: SQLite file by default, PostgreSQL in production.

    Open it with :meth:`open` and close it with :meth:`aclose` (or use it as an
    ``async with`` block). Work happens in :meth:`transaction` blocks and, for
    the outbox worker, through :attr:`outbox`. Database failures to connect
    are raised as :class:`LedgerUnavailable`.
    """

    def __init__(self, engine: AsyncEngine, *, clock: Clock = utc_now) -> None:
        """Wrap an engine made by :func:`create_ledger_engine`; prefer :meth:`open`."""
        self._engine = engine
        self._clock = clock
        self._outbox = Outbox(engine, clock)

    @classmethod
    async def open(cls, config: DatabaseConfig, *, clock: Clock = utc_now) -> Ledger:
        """A ledger on ``config.url``, with its pool; nothing is connected until first use.

        ``clock`` stamps bookkeeping times (created, updated, audit); domain
        times such as ``received_at`` are always given by the caller.
        """
        return cls(create_ledger_engine(config), clock=clock)

    @property
    def database(self) -> str:
        """The database as ``driver://user@host:port/name`` (or ``sqlite file PATH``), without password."""
        return describe_database(self._engine.url)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    @property
    def outbox(self) -> Outbox:
        """The outbox worker's operations."""
        return self._outbox

    async def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic ``upgrade head``); a no-op when it is there."""
        async with begin(self._engine) as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
            await connection.run_sync(migration.upgrade, "head")

    async def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision``; ``"base"`` drops every ledger table and its data."""
        async with begin(self._engine) as connection:
            await connection.run_sync(migration.downgrade, revision)

    async def schema_revision(self) -> str | None:
        """The revision the database is at; ``None`` before :meth:`migrate`."""
        async with begin(self._engine, read_only=True) as connection:
            return await connection.run_sync(migration.current_revision)

    @staticmethod
    def head_revision() -> str | None:
        """The newest revision this code ships: :meth:`migrate` brings the database there."""
        return migration.head_revision()

    async def schema_differences(self) -> list[str]:
        """How the database's tables differ from what this code expects; empty when they agree."""
        async with begin(self._engine, read_only=True) as connection:
            return await connection.run_sync(migration.schema_differences)

    async def ping(self) -> None:
        """Prove the database answers; raises :class:`LedgerUnavailable` naming it (never its password)."""
        async with begin(self._engine, read_only=True) as connection:
            await connection.execute(sa.select(sa.literal(1)))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[LedgerTransaction]:
        """One database transaction: committed when the block ends, rolled back if it raises.

        Keep it short and free of network calls: on SQLite it holds the write
        lock, on PostgreSQL row locks (a registration counter) until it ends.
        """
        async with begin(self._engine) as connection:
            yield LedgerTransaction(connection, self._clock)

    async def aclose(self) -> None:
        """Close every pooled connection; the ledger cannot be used afterwards."""
        await self._engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
