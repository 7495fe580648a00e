"""How a row of the documents table becomes a :class:`~connectors.records.Document`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import UpstreamBadResponse
from ..records import Document
from ..validation import build_record
from .settings import SqlSettings

__all__ = ["row_to_document"]


def _timestamp(value: object, column: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise UpstreamBadResponse(f"{value!r} is not a timestamp", field=column)


def _integer(value: object, column: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise UpstreamBadResponse(f"{value!r} is not an integer", field=column)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def row_to_document(row: Mapping[str, Any], settings: SqlSettings) -> Document:
    """The document of one row, keyed by document field name.

    The category goes through ``settings.categories``; timestamps may be
    database timestamps, dates or ISO 8601 text. A value that cannot be read
    raises ``UpstreamBadResponse`` naming its column.
    """
    columns = settings.columns.fields()
    data: dict[str, Any] = {
        "local_id": _text(row["id"]),
        "title": _text(row["title"]),
        "category": settings.categories.category_of(row["category"]),
    }
    for name in ("summary", "type", "file_url", "mime_type", "source_url"):
        if name in columns:
            data[name] = _text(row[name])
    for name in ("year", "size_bytes"):
        if name in columns:
            data[name] = _integer(row[name], columns[name])
    for name in ("published_at", "updated_at"):
        if name in columns:
            data[name] = _timestamp(row[name], columns[name])
    sources = {"local_id": columns["id"], **columns}
    return build_record(Document, data, where=settings.table, sources=sources)
