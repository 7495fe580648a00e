"""The async engine under the ledger: pool, SQLite's pragmas and locking, and unavailability.

SQLite serializes writers with one lock per file. Every ledger transaction
starts with ``BEGIN IMMEDIATE``, taking that lock up front and waiting up to
the busy timeout for it, so concurrent writers (tasks, processes) queue up
instead of failing the way a deferred transaction does when it upgrades
from reading to writing. Read-only work (ping, schema checks) asks for a
deferred ``BEGIN`` through an execution option, so it never waits on writers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy.exc
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from gateway.config import DatabaseConfig

from .errors import LedgerUnavailable

__all__ = ["READ_ONLY", "begin", "create_ledger_engine", "describe_database", "ledger_url"]

READ_ONLY = "ppid_ledger_read_only"
"""Execution option: this connection's transactions only read (SQLite: a deferred BEGIN)."""

_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}

# What failing to reach the database looks like: the driver's errors, refused or
# reset sockets (asyncpg raises those bare), time-outs, and an exhausted pool.
_UNREACHABLE = (sqlalchemy.exc.DBAPIError, sqlalchemy.exc.TimeoutError, OSError, TimeoutError)


def ledger_url(text: str) -> URL:
    """The SQLAlchemy URL for ``database.url``, with the async driver filled in."""
    url = make_url(text)
    return url.set(drivername=_DRIVERS.get(url.drivername, url.drivername))


def describe_database(url: URL) -> str:
    """``postgresql+asyncpg://user@host:port/name`` or ``sqlite file path``: never a password or query."""
    if url.get_backend_name() == "sqlite":
        return f"sqlite file {url.database}"
    user = f"{url.username}@" if url.username else ""
    return f"{url.drivername}://{user}{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def create_ledger_engine(config: DatabaseConfig) -> AsyncEngine:
    """An engine for ``config``: pooled, and on SQLite set up for WAL, foreign keys and queued writers."""
    url = ledger_url(config.url)
    pool: dict[str, Any] = {
        "pool_size": config.pool_size,
        "max_overflow": config.max_overflow,
        "pool_timeout": config.pool_timeout_s,
    }
    if url.get_backend_name() == "sqlite":
        # A queue pool, as SQLAlchemy 2.1 picks for files (2.0 picked NullPool: a new connection per use).
        engine = create_async_engine(url, echo=config.echo, poolclass=AsyncAdaptedQueuePool, **pool)
        _prepare_sqlite(engine, busy_timeout_ms=round(config.busy_timeout_s * 1000))
        return engine
    return create_async_engine(
        url,
        echo=config.echo,
        # A replaced or restarted server leaves dead connections in the pool: test each on checkout.
        pool_pre_ping=True,
        # Firewalls and poolers drop idle connections silently after a while.
        pool_recycle=1800,
        connect_args={
            "timeout": config.connect_timeout_s,
            "server_settings": {"application_name": "ppid-gateway"},
        },
        **pool,
    )


def _prepare_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not open transactions on its own: _on_begin does, with the lock mode we want.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Busy timeout first: switching a new file to WAL may itself have to wait for another process.
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms:d}")
        # WAL: readers never block the writer nor the writer them. synchronous stays FULL
        # (the default): a receipt handed to a citizen must survive a power cut.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@asynccontextmanager
async def begin(engine: AsyncEngine, *, read_only: bool = False) -> AsyncIterator[AsyncConnection]:
    """One transaction on a pooled connection: committed on success, rolled back on error.

    Failing to connect or to start the transaction, and losing the connection
    during it, raise :class:`LedgerUnavailable`; every other error passes unchanged.
    """
    started = False
    try:
        async with engine.connect() as connection:
            if read_only:
                await connection.execution_options(**{READ_ONLY: True})
            async with connection.begin():
                started = True
                yield connection
    except _UNREACHABLE as exc:
        if _missing_table(exc):
            raise LedgerUnavailable(describe_database(engine.url), NOT_MIGRATED_REASON) from exc
        if started and not _lost_connection(exc):
            raise
        raise LedgerUnavailable(describe_database(engine.url), _reason(exc, engine.url)) from exc


NOT_MIGRATED_REASON = "its tables do not exist yet: run `ppid-gateway migrate --config FILE`"
"""Why the ledger is unavailable when the database is reachable but was never migrated."""


def _missing_table(exc: BaseException) -> bool:
    # A database that answers but lacks our tables is a deployment that skipped
    # `migrate`: as unusable for requests as one that is down, and fixable by an operator.
    if not isinstance(exc, sqlalchemy.exc.DBAPIError):
        return False
    original = exc.orig
    if getattr(original, "sqlstate", None) == "42P01" or getattr(original, "pgcode", None) == "42P01":
        return True  # PostgreSQL: undefined_table
    return "no such table" in str(original)  # SQLite


def _lost_connection(exc: BaseException) -> bool:
    return isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated


def _reason(exc: BaseException, url: URL) -> str:
    if isinstance(exc, sqlalchemy.exc.TimeoutError):
        reason = "no pooled connection became free in time (database.pool_timeout_s)"
    elif isinstance(exc, TimeoutError):
        reason = "it did not answer in time (database.connect_timeout_s)"
    else:
        original = exc.orig if isinstance(exc, sqlalchemy.exc.DBAPIError) else exc
        reason = str(original) or type(original).__name__
    # Drivers do not echo passwords, but a message is no place to find out that one did.
    if url.password:
        reason = reason.replace(str(url.password), "***")
    return reason
