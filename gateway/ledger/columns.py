"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["ID", "UtcDateTime", "enum_column_type"]

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""Primary keys: BIGINT on PostgreSQL; INTEGER on SQLite, where only that is an auto-incrementing rowid."""

_E = TypeVar("_E", bound=enum.Enum)


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, always timezone-aware UTC on the way out, and aware on the way in.

    PostgreSQL keeps ``timestamptz``. SQLite has no time zones, so times are
    stored as naive UTC text of one fixed width, which also keeps comparisons
    in SQL (``next_attempt_at <= :now``) correct. A naive datetime is refused:
    guessing its zone is how a request received at 23:30 UTC lands on the wrong day.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC (naive for SQLite); refuse naive input."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"the ledger stores timezone-aware times only; got naive {value.isoformat()}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column_type(enum_class: type[_E], column: str) -> sa.Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint named after ``column``.

    Not a native PostgreSQL enum, so that adding a value later is a plain
    constraint change on both backends. The values (not the Python names) are stored.
    """
    return sa.Enum(
        enum_class,
        name=column,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
        values_callable=_values,
    )


def _values(enum_class: Any) -> list[str]:
    return [str(member.value) for member in enum_class]
