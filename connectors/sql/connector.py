"""The ``sql`` connector: documents read from one table of an OPD's document-management database."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from ..base import Connector
from ..capabilities import Capability, Pushdown
from ..errors import (
    ConnectorConfigError,
    InvalidToken,
    UpstreamBadResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from ..queries import DocumentFilter, DocumentOrder, DocumentQuery, OpdRef
from ..records import Document, DocumentPage, InformationCategory
from ..rest.auth import read_secret
from .mapping import row_to_document
from .settings import SqlSettings

__all__ = ["SqlConnector"]

_TOKEN = re.compile(r"([0-9]{1,12})\.([0-9]{1,4})")
_MAX_PAGE = 1000
_T = TypeVar("_T")
_DRIVERS = {("sqlite", "aiosqlite"), ("postgresql", "asyncpg")}


def database_url(settings: SqlSettings, environ: Mapping[str, str] | None = None) -> URL:
    """The URL to connect with, made read-only where the URL can say so (SQLite's ``mode=ro``).

    Raises ``ConnectorConfigError`` for an unset variable, an unreadable URL, a
    driver other than ``sqlite+aiosqlite`` / ``postgresql+asyncpg``, or an
    in-memory SQLite database (it would be empty).
    """
    if settings.sqlite_path is not None:
        return URL.create(
            "sqlite+aiosqlite", database=f"file:{settings.sqlite_path}", query={"mode": "ro", "uri": "true"}
        )
    raw = read_secret(settings.url_env, "url_env", environ)
    try:
        url = make_url(raw)
    except sa_exc.ArgumentError:
        raise ConnectorConfigError(
            f"the variable {settings.url_env} does not hold a database URL", key="url_env"
        ) from None
    if (url.get_backend_name(), url.get_driver_name()) not in _DRIVERS:
        raise ConnectorConfigError(
            f"the database URL in {settings.url_env} uses {url.drivername!r}; "
            "use sqlite+aiosqlite:// or postgresql+asyncpg://",
            key="url_env",
        )
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:"):
            raise ConnectorConfigError("an in-memory SQLite database holds no documents", key="url_env")
        if not database.startswith("file:"):
            database = f"file:{database}"
        url = url.set(database=database, query={**url.query, "mode": "ro", "uri": "true"})
    return url


class SqlConnector(Connector):
    """Reads documents from one table or view of a SQL database, per :class:`~connectors.sql.SqlSettings`.

    Only ``SELECT`` statements are ever sent, built with SQLAlchemy from the
    validated identifiers of the settings; every value (filters, the local id,
    ``where``) is a bound parameter. The connection is read-only: SQLite files
    are opened with ``mode=ro`` and PostgreSQL sessions start with
    ``default_transaction_read_only``.

    Pushdown: categories (through the category value map, default included),
    years (with a ``year`` column) and the ``NEWEST`` / ``OLDEST`` orders
    (with a ``published_at`` column; undated last, ties by the id's text in
    code-point order, as :func:`connectors.filtering.order_key`). The free-text
    query, the type filter and the title order are left to the engine: its
    matching strips accents and case-folds Unicode, which ``LIKE`` and the
    databases' collations do not do alike, so pushing them down would change
    results.

    Pages are offset-based over a total order (the requested order, then the
    id); the token is ``"<offset>.<page size>"``. The first call checks that
    the table has every configured column and raises ``UpstreamBadResponse``
    naming the one missing; a query that fails later is checked again, so a
    column renamed since is named too.

    Errors: a database that cannot be reached, or refuses the connection
    (whatever it says), or drops it, is ``UpstreamUnavailable``; no answer
    within ``timeout_s`` (a slow query, a lock held by another session,
    SQLite's "database is locked") is ``UpstreamTimeout``; a query the
    database refuses is ``UpstreamBadResponse``.

    Capabilities: ``DOCUMENTS`` and ``DOCUMENT``.
    """

    kind = "sql"
    Settings = SqlSettings
    settings: SqlSettings
    """The validated ``connector:`` block."""
    capabilities = frozenset({Capability.DOCUMENTS, Capability.DOCUMENT})

    def __init__(self, opd: OpdRef, settings: SqlSettings, http: httpx.AsyncClient) -> None:
        """Declare the table and create the engine (no connection is made yet).

        Raises ``ConnectorConfigError`` when the database URL cannot be used.
        """
        super().__init__(opd, settings, http)
        url = database_url(settings)
        self._postgres = url.get_backend_name() == "postgresql"
        self._sqlite_file = None if self._postgres else Path((url.database or "").removeprefix("file:"))
        fields = settings.columns.fields()
        self.pushdown = Pushdown(
            categories=True,
            years="year" in fields,
            orders=frozenset({"NEWEST", "OLDEST"}) if "published_at" in fields else frozenset(),
        )
        names = sorted({*fields.values(), *settings.where})
        columns: dict[str, sa.ColumnClause[Any]] = {name: sa.column(name) for name in names}
        self._table = sa.table(settings.table, *columns.values(), schema=settings.schema_)
        self._columns = columns
        self._fields = {field: columns[column] for field, column in fields.items()}
        self._checked = False
        if self._postgres:
            self._engine: AsyncEngine = create_async_engine(
                url,
                pool_size=settings.pool_size,
                max_overflow=0,
                pool_timeout=settings.timeout_s,
                # A restarted database (maintenance, a failover) leaves the pooled connections dead:
                # a ping at checkout replaces them, instead of failing one query per connection.
                pool_pre_ping=True,
                connect_args={
                    "timeout": settings.timeout_s,
                    "command_timeout": settings.timeout_s,
                    "server_settings": {"default_transaction_read_only": "on"},
                },
            )
        else:
            self._engine = create_async_engine(url, connect_args={"timeout": settings.timeout_s})

    @property
    def engine(self) -> AsyncEngine:
        """The connector's own engine (read-only connections); closed by :meth:`aclose`."""
        return self._engine

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of documents, ``page_size`` long (at most 1000) unless the table ends."""
        offset, size = _position(query.token, query.page_size)
        conditions = self._conditions(query.filter)
        labelled = [column.label(field) for field, column in self._fields.items()]
        statement = (
            sa.select(*labelled)
            .select_from(self._table)
            .where(*conditions)
            .order_by(*self._order(query.order))
            .limit(size + 1)
            .offset(offset)
        )
        count = sa.select(sa.func.count()).select_from(self._table).where(*conditions)
        rows, total = await self._fetch(statement, count)
        items = tuple(row_to_document(row, self.settings) for row in rows[:size])
        next_token = f"{offset + size}.{size}" if len(rows) > size else None
        return DocumentPage(items=items, next_token=next_token, total=total)

    async def get_document(self, local_id: str) -> Document | None:
        """The document whose id (as text) is ``local_id``, or ``None``; only rows matching ``where``."""
        labelled = [column.label(field) for field, column in self._fields.items()]
        statement = (
            sa.select(*labelled)
            .select_from(self._table)
            .where(*self._conditions(DocumentFilter()), sa.cast(self._fields["id"], sa.String) == local_id)
            .limit(1)
        )
        rows, _ = await self._fetch(statement, None)
        return row_to_document(rows[0], self.settings) if rows else None

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._engine.dispose()

    def _conditions(self, flt: DocumentFilter) -> list[sa.ColumnElement[bool]]:
        conditions: list[sa.ColumnElement[bool]] = [
            self._columns[name] == value for name, value in self.settings.where.items()
        ]
        if flt.categories:
            conditions.append(self._category_condition(flt.categories))
        if self.pushdown.years:
            year = self._fields["year"]
            if flt.year_from is not None:
                conditions.append(year >= flt.year_from)
            if flt.year_to is not None:
                conditions.append(year <= flt.year_to)
        return conditions

    def _category_condition(self, wanted: frozenset[InformationCategory]) -> sa.ColumnElement[bool]:
        # Stored values are compared as text, like CategoryValues.category_of(str(value)).
        column = self._fields["category"]
        stored = sa.cast(column, sa.String)
        values = self.settings.categories.values
        chosen = [value for value, category in values.items() if category in wanted]
        if self.settings.categories.default not in wanted:
            return stored.in_(chosen) if chosen else sa.false()
        if not values:
            return sa.true()
        parts: list[sa.ColumnElement[bool]] = [column.is_(None), stored.not_in(list(values))]
        if chosen:
            parts.append(stored.in_(chosen))
        return sa.or_(*parts)

    def _order(self, order: DocumentOrder | None) -> list[sa.ColumnElement[Any]]:
        # The id's text in code-point order, as Python compares local ids: PostgreSQL needs the C collation.
        id_text: sa.ColumnElement[Any] = sa.cast(self._fields["id"], sa.String)
        if self._postgres:
            id_text = id_text.collate("C")
        if order in (DocumentOrder.NEWEST, DocumentOrder.OLDEST) and "published_at" in self._fields:
            published = self._fields["published_at"]
            undated_last = sa.case((published.is_(None), 1), else_=0)
            by_date = published.desc() if order is DocumentOrder.NEWEST else published.asc()
            return [undated_last, by_date, id_text]
        return [id_text]

    async def _fetch(
        self, statement: sa.Select[Any], count: sa.Select[Any] | None
    ) -> tuple[list[dict[str, Any]], int | None]:
        def run(connection: Connection) -> tuple[list[dict[str, Any]], int | None]:
            if not self._checked:
                self._check_columns(connection)
            try:
                rows = [dict(row) for row in connection.execute(statement).mappings()]
                total = connection.execute(count).scalar_one() if count is not None else None
            except sa_exc.DBAPIError as exc:
                self._recheck_columns(connection, exc)
                raise
            return rows, total

        return await self._run(run)

    def _check_columns(self, connection: Connection) -> None:
        settings = self.settings
        place = f"{settings.schema_}.{settings.table}" if settings.schema_ else settings.table
        try:
            present = {
                column["name"]
                for column in sa.inspect(connection).get_columns(settings.table, settings.schema_)
            }
        except sa_exc.NoSuchTableError:
            raise UpstreamBadResponse(f"the database has no table {place}", field=settings.table) from None
        for name in self._columns:
            if name not in present:
                raise UpstreamBadResponse(f"table {place} has no column {name!r}", field=name)
        self._checked = True

    def _recheck_columns(self, connection: Connection, failure: sa_exc.DBAPIError) -> None:
        # The table was checked on an earlier call, but it may have changed since (a column renamed by a
        # migration of the DMS): the query then fails with the driver's own words ("no such column", an
        # OperationalError on SQLite). Checking again names the column, as the first call would have.
        if failure.connection_invalidated or _is_busy(failure):
            return  # the connection is gone or the table is locked: the check could not run either
        self._checked = False
        try:
            connection.rollback()  # PostgreSQL refuses every statement of a failed transaction
            self._check_columns(connection)
        except sa_exc.DBAPIError:
            pass  # the check failed too; the query's own error says more

    async def _connect(self, where: str) -> AsyncConnection:
        # Whatever the database says while we connect, it is not taking us: PostgreSQL answers a
        # database closed to connections, or starting up, with an ordinary server error, which would
        # otherwise read as a query it refused (a bad response) rather than as a database that is down.
        try:
            return await self._engine.connect()
        except sa_exc.DBAPIError as exc:
            raise UpstreamUnavailable(f"{where} is unavailable: {_reason(exc)}") from None

    async def _run(self, work: Callable[[Connection], _T]) -> _T:
        where = f"{self.opd.slug} database"
        if self._sqlite_file is not None and not self._sqlite_file.is_file():
            # Checked first: aiosqlite leaves its worker thread behind when opening a file fails.
            raise UpstreamUnavailable(
                f"{where} is unavailable: the SQLite file {self._sqlite_file} does not exist"
            )
        try:
            async with asyncio.timeout(self.settings.timeout_s):
                connection = await self._connect(where)
                try:
                    return await connection.run_sync(work)
                finally:
                    await connection.close()
        except (UpstreamBadResponse, UpstreamUnavailable):
            raise
        except (TimeoutError, sa_exc.TimeoutError):
            raise UpstreamTimeout(f"{where} did not answer within {self.settings.timeout_s:g}s") from None
        except sa_exc.DBAPIError as exc:
            if _is_busy(exc):
                # SQLite waited timeout_s for another connection's lock (its busy timeout) and gave up.
                raise UpstreamTimeout(
                    f"{where} did not answer within {self.settings.timeout_s:g}s: {_reason(exc)}"
                ) from None
            if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) or exc.connection_invalidated:
                raise UpstreamUnavailable(f"{where} is unavailable: {_reason(exc)}") from None
            raise UpstreamBadResponse(f"{where} refused the query: {_reason(exc)}") from None
        except (OSError, sa_exc.SQLAlchemyError) as exc:
            raise UpstreamUnavailable(f"{where} is unavailable: {type(exc).__name__}: {exc}") from None


def _is_busy(exc: sa_exc.DBAPIError) -> bool:
    """True when SQLite gave up waiting for a lock (``SQLITE_BUSY``: "database is locked")."""
    return getattr(exc.orig, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _reason(exc: sa_exc.DBAPIError) -> str:
    first = str(exc.orig).strip().splitlines()
    return f"{type(exc.orig).__name__}: {first[0] if first else ''}"


def _position(token: str | None, page_size: int) -> tuple[int, int]:
    if token is None:
        return 0, max(1, min(page_size, _MAX_PAGE))
    match = _TOKEN.fullmatch(token)
    if match is None or not 1 <= int(match.group(2)) <= _MAX_PAGE:
        raise InvalidToken(f"{token!r} is not a continuation token of the sql connector")
    return int(match.group(1)), int(match.group(2))
