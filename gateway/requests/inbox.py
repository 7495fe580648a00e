"""An officer's inbox: the requests and objections routed to their OPD, oldest due first, a page at a time.

The inbox lists what waits, not who asked: no personal data is decrypted
for it, so listing is not a read of anyone's data. Opening one request
(Cek Status with the officer's key) is, and is audited.

A cursor is ``v1.`` and URL-safe base64 of ``[scope, due date, id]``: the
position of the page's last row in the (due date, id) order, and a short
hash of the filter, so that a cursor used with another filter is refused
instead of silently skipping rows. It carries no MAC: a hand-made cursor
only moves the start of a page within what the officer may see anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from gateway.identity.errors import FieldProblem, InvalidInput
from gateway.kip.lifecycle import OPEN_STATES, overdue
from gateway.kip.vocabulary import ObjectionReason, RequestKind, RequestState, RoutedBy
from gateway.ledger import InboxPosition, InboxQuery, RequestRow

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "InboxEdge",
    "InboxFilter",
    "InboxItem",
    "InboxPage",
    "inbox_item",
    "inbox_query",
    "page_cursor",
]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_CURSOR_PREFIX = "v1."


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """Which requests an inbox lists (the OPDs already narrowed to what the officer may see)."""

    opd_slugs: frozenset[str] | None
    """``None``: every OPD (PPID Utama)."""
    states: frozenset[RequestState]
    kind: RequestKind | None
    overdue_only: bool

    def scope(self) -> str:
        """A short hash of the filter, carried by its cursors."""
        canonical = json.dumps(
            [
                None if self.opd_slugs is None else sorted(self.opd_slugs),
                sorted(state.value for state in self.states),
                None if self.kind is None else self.kind.value,
                self.overdue_only,
            ],
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One request or objection of an inbox: what it is about and when it is due, nobody's data."""

    registration_number: str
    kind: RequestKind
    opd_slug: str
    state: RequestState
    overdue: bool
    received_at: datetime
    due_date: date
    """The deadline in force (the extended one once extended)."""
    extended: bool
    routed_by: RoutedBy
    details: str | None
    """What a request asks for (rincian informasi); ``None`` for an objection."""
    objection_reason: ObjectionReason | None
    parent_registration_number: str | None
    """For an objection: the request it objects to."""
    delivered: bool
    """Whether the OPD's own system has taken it (it gave its reference)."""


@dataclass(frozen=True, slots=True)
class InboxEdge:
    """An item and the cursor that starts the page after it."""

    cursor: str
    item: InboxItem


@dataclass(frozen=True, slots=True)
class InboxPage:
    """One page of an inbox."""

    edges: tuple[InboxEdge, ...]
    total_count: int
    """How many the whole inbox holds, every page."""
    has_next_page: bool

    @property
    def start_cursor(self) -> str | None:
        """The cursor of the first item."""
        return self.edges[0].cursor if self.edges else None

    @property
    def end_cursor(self) -> str | None:
        """Pass as ``after`` for the next page."""
        return self.edges[-1].cursor if self.edges else None


def inbox_query(flt: InboxFilter, *, today: date, first: int, after: str | None) -> InboxQuery:
    """The ledger's query for one page of ``flt``; :class:`InvalidInput` on ``first`` or ``after``."""
    problems: list[FieldProblem] = []
    if not 1 <= first <= MAX_PAGE_SIZE:
        problems.append(
            FieldProblem(
                "first",
                f"Ask for 1 to {MAX_PAGE_SIZE} items per page.",
                f"Minta 1 sampai {MAX_PAGE_SIZE} butir per halaman.",
            )
        )
    position = None
    if after is not None:
        position = _position(flt, after)
        if position is None:
            problems.append(
                FieldProblem(
                    "after",
                    "This cursor was not issued for this inbox and filter: start again without `after`.",
                    "Kursor ini bukan untuk kotak masuk dan saringan ini: mulai lagi tanpa `after`.",
                )
            )
    if problems:
        raise InvalidInput(problems)
    states = flt.states & OPEN_STATES if flt.overdue_only else flt.states
    return InboxQuery(
        opd_slugs=flt.opd_slugs,
        states=states,
        kind=flt.kind,
        due_before=today if flt.overdue_only else None,
        after=position,
        limit=first + 1,  # one more tells whether a next page exists
    )


def page_cursor(flt: InboxFilter, row: RequestRow) -> str:
    """The cursor of ``row`` in the inbox of ``flt``."""
    due = row.current_due_date
    body = json.dumps([flt.scope(), due.isoformat(), row.id], separators=(",", ":")).encode()
    return _CURSOR_PREFIX + base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")


def inbox_item(row: RequestRow, parent_registration_number: str | None, *, today: date) -> InboxItem:
    """The inbox's view of ``row``; ``today`` (WIB) decides whether it is overdue."""
    due = row.current_due_date
    return InboxItem(
        registration_number=row.registration_number,
        kind=row.kind,
        opd_slug=row.opd_slug,
        state=row.state,
        overdue=overdue(row.state, due, today),
        received_at=row.received_at,
        due_date=due,
        extended=row.extended_due_date is not None,
        routed_by=row.routed_by,
        details=row.details,
        objection_reason=row.objection_reason,
        parent_registration_number=parent_registration_number,
        delivered=row.upstream_reference is not None,
    )


def _position(flt: InboxFilter, cursor: str) -> InboxPosition | None:
    """Where ``cursor`` says the previous page ended, or ``None`` when it is not one of ``flt``'s."""
    if not cursor.startswith(_CURSOR_PREFIX):
        return None
    text = cursor.removeprefix(_CURSOR_PREFIX)
    try:
        scope, due, request_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        position = InboxPosition(date.fromisoformat(due), request_id)
    except (binascii.Error, ValueError, TypeError):
        return None
    if scope != flt.scope() or type(request_id) is not int:
        return None
    return position
