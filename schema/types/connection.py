"""Cursor connections (Relay style) shared by every growing list."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway.federation import Slice


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when `after: endCursor` gives more items.")
    has_previous_page: bool = strawberry.field(description="True when this page was fetched with `after`.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")

    @classmethod
    def of(cls, page: Slice[Any], *, after: str | None) -> PageInfo:
        """Where ``page`` (one engine slice, fetched with ``after``) sits."""
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=after is not None,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        )
