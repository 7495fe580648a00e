"""Cursor connections (Relay style) shared by every growing list."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when `after: endCursor` gives more items.")
    has_previous_page: bool = strawberry.field(description="True when this page was fetched with `after`.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
