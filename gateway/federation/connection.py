"""Cursor connections: one page of a list that can grow, Relay style."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import BadUserInput

__all__ = ["MAX_FIRST", "Edge", "Slice", "check_first"]

T = TypeVar("T")

MAX_FIRST = 100
"""The largest page a client may ask for."""


@dataclass(frozen=True)
class Edge(Generic[T]):
    """One item of a page and the cursor that continues right after it."""

    cursor: str
    """Pass as ``after`` to continue after this item."""
    node: T
    """The item."""


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page of a federated list."""

    edges: list[Edge[T]]
    """The items, in the list's order."""
    total_count: int
    """How many items match in all, over the OPDs that answered."""
    has_next_page: bool
    """True when ``after=end_cursor`` gives more items from the OPDs that answered."""
    start_cursor: str | None
    """The cursor of the first edge; ``None`` without edges."""
    end_cursor: str | None
    """The cursor of the last edge; ``None`` without edges."""


def check_first(first: int) -> None:
    """Raise ``BadUserInput`` unless ``1 <= first <= MAX_FIRST``."""
    if not 1 <= first <= MAX_FIRST:
        raise BadUserInput(
            f"first must be between 1 and {MAX_FIRST}, got {first}; page through larger lists with `after`",
            argument="first",
        )
