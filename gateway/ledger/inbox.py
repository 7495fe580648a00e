"""An officer's inbox as the ledger reads it: requests and objections of some OPDs, oldest due first.

The order is by the current due date (the extended one once extended), then
by id, so that it is total and a page can start after any (due date, id)
position: keyset pagination, which neither skips nor repeats a row when rows
before the position change state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from gateway.kip.vocabulary import RequestKind, RequestState

from .rows import RequestRow
from .tables import requests

__all__ = ["InboxPosition", "InboxQuery", "InboxRow", "count_statement", "page_statement"]

_PARENT = requests.alias("parent")
# the deadline in force: the extended due date once there is one, else the first
_current_due = sa.func.coalesce(requests.c.extended_due_date, requests.c.due_date)


@dataclass(frozen=True, slots=True)
class InboxPosition:
    """Where a page ends: the last row's current due date and id."""

    due_date: date
    request_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class InboxQuery:
    """Which requests and objections an inbox page holds."""

    opd_slugs: frozenset[str] | None
    """The OPDs they are routed to; ``None`` for every OPD (PPID Utama)."""
    states: frozenset[RequestState]
    kind: RequestKind | None = None
    """Only requests, or only objections; ``None`` for both."""
    due_before: date | None = None
    """Only those whose current due date is before this day (with open states: the overdue ones)."""
    after: InboxPosition | None = None
    limit: int = 20


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One request or objection of an inbox, with the number of the request an objection is about."""

    request: RequestRow
    parent_registration_number: str | None


def _conditions(query: InboxQuery) -> list[sa.ColumnElement[bool]]:
    states = sorted(query.states, key=lambda state: state.value)
    conditions: list[sa.ColumnElement[bool]] = [requests.c.state.in_(states)]
    if query.opd_slugs is not None:
        conditions.append(requests.c.opd_slug.in_(sorted(query.opd_slugs)))
    if query.kind is not None:
        conditions.append(requests.c.kind == query.kind)
    if query.due_before is not None:
        conditions.append(_current_due < query.due_before)
    return conditions


def page_statement(query: InboxQuery) -> sa.Select[Any]:
    """The rows of one page, each with ``parent_registration_number``."""
    conditions = _conditions(query)
    if query.after is not None:
        position = query.after
        conditions.append(
            sa.or_(
                _current_due > position.due_date,
                sa.and_(_current_due == position.due_date, requests.c.id > position.request_id),
            )
        )
    return (
        sa.select(requests, _PARENT.c.registration_number.label("parent_registration_number"))
        .select_from(requests.outerjoin(_PARENT, _PARENT.c.id == requests.c.parent_id))
        .where(*conditions)
        .order_by(_current_due, requests.c.id)
        .limit(query.limit)
    )


def count_statement(query: InboxQuery) -> sa.Select[Any]:
    """How many rows the whole inbox holds (every page, ``after`` and ``limit`` aside)."""
    return sa.select(sa.func.count()).select_from(requests).where(*_conditions(query))
