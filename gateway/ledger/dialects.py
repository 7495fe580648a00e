"""The one statement shape that differs between SQLite and PostgreSQL: ``INSERT … ON CONFLICT``.

Both spell it the same way (``on_conflict_do_nothing`` / ``on_conflict_do_update``
with ``index_elements``), from their own dialect's ``insert``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["insert"]


def insert(connection: AsyncConnection, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    """An ``INSERT`` into ``table`` that can say what to do on a conflict, for ``connection``'s database."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
