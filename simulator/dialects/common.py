"""What every dialect shares: selecting documents, reading parameters, writing times and URLs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from starlette.requests import Request

from connectors.filtering import document_matches, order_key
from connectors.queries import DocumentFilter, DocumentOrder
from connectors.records import Document, InformationCategory

from ..seed import OpdSeed

__all__ = [
    "ParamError",
    "absolute_file_url",
    "categories_from",
    "int_param",
    "iso_local",
    "iso_naive_local",
    "iso_utc_z",
    "select_documents",
]


class ParamError(ValueError):
    """A query parameter the upstream refuses; each dialect words the error its own way."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def select_documents(seed: OpdSeed, flt: DocumentFilter, order: DocumentOrder | None) -> list[Document]:
    """The documents matching ``flt``, in ``order`` (``None``: storage order).

    Uses the gateway's own :func:`document_matches` and :func:`order_key`, so
    what the simulator pushes down means exactly what the engine would do;
    ``order_key`` ends with the local id, so every order is total.
    """
    chosen = [doc for doc in seed.documents if document_matches(doc, flt)]
    if order is not None:
        chosen.sort(key=lambda doc: order_key(doc, order))
    return chosen


def int_param(request: Request, name: str, default: int | None, *, minimum: int | None = None) -> int | None:
    """An integer query parameter, ``default`` when absent or empty; :class:`ParamError` when not a number."""
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ParamError(name, f"{name} must be at least {minimum}, got {value}")
    return value


def categories_from(
    values: Iterable[str], labels: dict[InformationCategory, str], name: str
) -> frozenset[InformationCategory]:
    """Categories named by upstream ``labels``; :class:`ParamError` on an unknown label."""
    by_label = {label: category for category, label in labels.items()}
    chosen = set()
    for value in values:
        if value not in by_label:
            raise ParamError(name, f"{value!r} is not one of {', '.join(by_label)}")
        chosen.add(by_label[value])
    return frozenset(chosen)


def absolute_file_url(request: Request, seed: OpdSeed, local_id: str) -> str | None:
    """The full URL of the document's file on this simulated OPD, or ``None`` when it has none."""
    served = seed.files.get(local_id)
    if served is None:
        return None
    return f"{str(request.base_url).rstrip('/')}/{served.path}"


def iso_local(moment: dt.datetime | None) -> str | None:
    """``2024-01-15T09:00:00+07:00``: what Django writes with ``TIME_ZONE = "Asia/Jakarta"``."""
    return moment.isoformat() if moment else None


def iso_utc_z(moment: dt.datetime | None) -> str | None:
    """``2024-01-15T02:00:00.000000Z``: how Laravel serializes a date (in UTC, whatever the app zone)."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_naive_local(moment: dt.datetime | None) -> str | None:
    """``2024-01-15T09:00:00``: local time without an offset, as a spreadsheet export writes it."""
    return moment.replace(tzinfo=None).isoformat() if moment else None
