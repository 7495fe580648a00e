"""A :class:`~connectors.testing.server.ContractServer` over a SQL table, for connectors reading a database.

A SQL upstream has no HTTP status or body to fake, so :class:`SqlContractServer`
realises each fault in the database itself, the way it happens in production:

``fail_with(status)``
    The database is down. SQLite: the file is moved away (an unmounted
    share). PostgreSQL: the database stops accepting connections
    (``ALLOW_CONNECTIONS false``, set from a session in the ``postgres``
    database) and the connections open to it are terminated, as in a restart.
    The connector must raise ``UpstreamUnavailable``.
``send_garbage()``
    The table changed shape under the connector: ``garbage_column`` is renamed.
    The connector must raise ``UpstreamBadResponse`` (naming the column, ideally).
``hang()``
    The database does not answer in time: another connection holds a lock
    that blocks every read of the table (SQLite: an ``EXCLUSIVE`` transaction;
    PostgreSQL: ``LOCK TABLE … IN ACCESS EXCLUSIVE MODE``). The connector must
    raise ``UpstreamTimeout`` within its own timeout: give it a short one.

The switches are coroutine functions (the suite awaits them). They act
through the server's own engine on ``base_url``, which must be able to write
(rename a file or a column, take locks): on PostgreSQL the URL's role must own
the database, and the database must be one of the test's own, since a fault
affects every session of it. ``aclose`` heals whatever fault is set. The
supported URLs are ``sqlite+aiosqlite:///<file>`` and ``postgresql+asyncpg://…``.

Example, for a connector reading a table ``dokumen``::

    @pytest.fixture
    async def fixture_server(tmp_path):
        url = f"sqlite+aiosqlite:///{tmp_path / 'dms.db'}"
        documents = await write_my_table(url)  # the test's own data, as the connector should read it
        return SqlContractServer(url, "dokumen", documents, garbage_column="judul")
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from ..records import Document
from .server import Fault

__all__ = ["SqlContractServer"]

_SUFFIX = "__contract_kit"


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a SQL connector made an HTTP request: {request.method} {request.url}")


class SqlContractServer:
    """A SQL table as the upstream of the contract suite, with faults made in the database.

    ``url`` is the database's SQLAlchemy async URL (also ``base_url``);
    ``table`` (in ``schema``, or the default one) holds ``documents``, which
    is what the connector should read from it. ``garbage_column`` is a column
    the connector needs; :meth:`send_garbage` renames it. On PostgreSQL,
    :meth:`fail_with` closes the database from a session in
    ``maintenance_database`` (same host and role), since a session cannot
    close its own database.
    """

    def __init__(
        self,
        url: str,
        table: str,
        documents: Sequence[Document],
        *,
        garbage_column: str,
        schema: str | None = None,
        maintenance_database: str = "postgres",
    ) -> None:
        """Remember the table; no connection is made until a switch is flipped."""
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"SqlContractServer supports SQLite and PostgreSQL, not {parsed.drivername!r}")
        self.base_url = url
        """The database URL to point the connector at (read-write: point a read-only connector at it)."""
        self.documents = tuple(documents)
        self.table = table
        """The table the connector reads."""
        self.schema = schema
        """Its schema; ``None``: the connection's default."""
        self.garbage_column = garbage_column
        """The column :meth:`send_garbage` renames."""
        self.fault = Fault.NONE
        """The fault being simulated."""
        self._postgres = backend == "postgresql"
        self._database = parsed.database or ""
        self._sqlite_file = None if self._postgres else Path(self._database.removeprefix("file:"))
        # Each switch takes one connection of its own; NullPool closes it as soon as it is released.
        self._engine: AsyncEngine = create_async_engine(url, poolclass=NullPool)
        self._maintenance: AsyncEngine = create_async_engine(
            parsed.set(database=maintenance_database), poolclass=NullPool
        )
        self._holder: AsyncConnection | None = None
        self._http = httpx.AsyncClient(transport=httpx.MockTransport(_refuse))

    @property
    def http(self) -> httpx.AsyncClient:
        """A client that fails the test on any request: the database is reached by SQL only."""
        return self._http

    def _name(self, identifier: str) -> str:
        return self._engine.dialect.identifier_preparer.quote(identifier)

    def _table_name(self) -> str:
        table = self._name(self.table)
        return f"{self._name(self.schema)}.{table}" if self.schema else table

    async def _execute(self, *statements: str) -> None:
        async with self._engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")  # sets it on this connection
            for statement in statements:
                await connection.exec_driver_sql(statement)

    async def fail_with(self, status: int) -> None:
        """Take the database down: its file moved away, or PostgreSQL refusing and dropping connections.

        ``status`` is ignored: a database has one way of being unavailable.
        """
        await self.heal()
        if self._sqlite_file is not None:
            self._sqlite_file.rename(self._sqlite_file.with_name(self._sqlite_file.name + _SUFFIX))
        else:
            # PostgreSQL will not close the database a session is in: this one is in the maintenance
            # database, and stays open through the fault to let connections in again.
            holder = await (await self._maintenance.connect()).execution_options(isolation_level="AUTOCOMMIT")
            self._holder, self.fault = holder, Fault.STATUS  # from here on, heal() lets connections in again
            database = self._name(self._database)
            await holder.exec_driver_sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
            await holder.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                (self._database,),
            )
        self.fault = Fault.STATUS

    async def send_garbage(self) -> None:
        """Rename ``garbage_column``: the table no longer has the shape the connector reads."""
        await self.heal()
        column = self._name(self.garbage_column)
        renamed = self._name(self.garbage_column + _SUFFIX)
        await self._execute(f"ALTER TABLE {self._table_name()} RENAME COLUMN {column} TO {renamed}")
        self.fault = Fault.GARBAGE

    async def hang(self) -> None:
        """Hold, on a connection of the server's own, a lock that blocks every read of the table."""
        await self.heal()
        holder = await self._engine.connect()
        self._holder = holder
        try:
            if self._postgres:
                await holder.begin()
                await holder.exec_driver_sql(f"LOCK TABLE {self._table_name()} IN ACCESS EXCLUSIVE MODE")
            else:
                # SQLite locks the whole file: readers wait (and time out) while this transaction lasts.
                holder = await holder.execution_options(isolation_level="AUTOCOMMIT")
                await holder.exec_driver_sql("BEGIN EXCLUSIVE")
        except BaseException:
            self._holder = None
            await holder.close()
            raise
        self.fault = Fault.HANG

    async def heal(self) -> None:
        """Undo the fault in force, if any."""
        fault, self.fault = self.fault, Fault.NONE
        holder, self._holder = self._holder, None
        try:
            if fault is Fault.HANG and holder is not None and not self._postgres:
                await holder.exec_driver_sql("ROLLBACK")
            elif fault is Fault.GARBAGE:
                column = self._name(self.garbage_column)
                renamed = self._name(self.garbage_column + _SUFFIX)
                await self._execute(f"ALTER TABLE {self._table_name()} RENAME COLUMN {renamed} TO {column}")
            elif fault is Fault.STATUS and self._sqlite_file is not None:
                self._sqlite_file.with_name(self._sqlite_file.name + _SUFFIX).rename(self._sqlite_file)
            elif fault is Fault.STATUS and holder is not None:
                database = self._name(self._database)
                await holder.exec_driver_sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
        finally:
            if holder is not None:
                # On PostgreSQL, closing the locking connection rolls its transaction, and the lock, back.
                await holder.close()

    async def aclose(self) -> None:
        """Heal, then close the server's engine and client."""
        try:
            await self.heal()
        finally:
            await self._engine.dispose()
            await self._maintenance.dispose()
            await self._http.aclose()
