"""Reading one OPD's share of a federated list, from a position onwards.

An OPD is read in one of two ways:

- **streamed**, when its connector applies the whole filter and the order
  upstream: pages are fetched from the cursor's position (a connector token
  and a number of items of that page already consumed), only as many as
  the page being built needs;
- **materialized**, otherwise: every page is fetched (the memo of the
  operation shares it), the engine filters and sorts, and the position is
  an offset into the result.

A streamed source whose first page fetched gives no ``total`` is read to its
end from the position, so that every total the engine reports is exact; such
a source costs as much as a materialized one. See :mod:`.positions`.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from connectors import UpstreamBadResponse

from .positions import Exhausted, Fresh, InPage, Offset, Position

__all__ = ["Page", "Run", "Source", "collect_pages", "read", "unique"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Page(Protocol[T_co]):
    """One page from a connector (``DocumentPage``, ``InformationListPage``)."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def next_token(self) -> str | None: ...

    @property
    def total(self) -> int | None: ...


FetchPage = Callable[[str | None, int], Awaitable[Page[T]]]
"""``fetch(token, page_size)``: one guarded upstream call for one page."""


@dataclass(frozen=True)
class Source(Generic[T]):
    """How to read one OPD for one list."""

    opd: str
    """The OPD's slug."""
    materialize: Callable[[], Awaitable[Sequence[T]]]
    """The OPD's whole filtered list, in the list's order."""
    stream: FetchPage[T] | None = None
    """Pages already filtered and in the list's order, when the connector can give them."""


class Run(abc.ABC, Generic[T]):
    """What one OPD gave for one page of a federated list: items after its position."""

    items: Sequence[T]
    """Items in the list's order, starting at the position; at least as many as wanted unless at the end."""
    total: int
    """How many items the OPD has in all."""

    @abc.abstractmethod
    def position_after(self, consumed: int) -> Position:
        """The position once the first ``consumed`` of ``items`` are used."""

    @abc.abstractmethod
    def more_after(self, consumed: int) -> bool:
        """Whether items remain once the first ``consumed`` of ``items`` are used."""


class _StreamRun(Run[T]):
    def __init__(
        self,
        items: list[T],
        places: list[tuple[str | None, int]],
        start: int,
        next_token: str | None,
        total: int | None,
    ) -> None:
        self.items = items
        self._places = places
        self._start = start
        self._next_token = next_token
        self.total = total if total is not None else start + len(items)

    def position_after(self, consumed: int) -> Position:
        index = self._start + consumed
        if consumed < len(self._places):
            token, skip = self._places[consumed]
            return InPage(index, token, skip)
        if self._next_token is None:
            return Exhausted(index)
        return InPage(index, self._next_token, 0)

    def more_after(self, consumed: int) -> bool:
        return consumed < len(self.items) or self._next_token is not None


class _SliceRun(Run[T]):
    def __init__(self, whole: Sequence[T], start: int, want: int) -> None:
        self.items = whole[start : start + want]
        self._whole = len(whole)
        self._start = start
        self.total = len(whole)

    def position_after(self, consumed: int) -> Position:
        index = self._start + consumed
        return Offset(index) if index < self._whole else Exhausted(self._whole)

    def more_after(self, consumed: int) -> bool:
        return self._start + consumed < self._whole


async def read(source: Source[T], position: Position, want: int, page_size: int) -> Run[T]:
    """At least ``want`` items of ``source`` from ``position`` (fewer only at its end).

    A streamed position on a source that can no longer stream (its
    connector's pushdown changed) continues as an offset, and the other way
    round: the position's index is exact either way.
    """
    if isinstance(position, Exhausted):
        raise ValueError("an exhausted source is not read again")
    if source.stream is not None and isinstance(position, Fresh | InPage):
        start = position if isinstance(position, InPage) else InPage(0, None, 0)
        return await _read_stream(source.stream, start, want, page_size)
    index = 0 if isinstance(position, Fresh) else position.index
    return _SliceRun(await source.materialize(), index, want)


async def _read_stream(fetch: FetchPage[T], start: InPage, want: int, page_size: int) -> Run[T]:
    items: list[T] = []
    places: list[tuple[str | None, int]] = []
    token, skip = start.token, start.skip
    seen = {token}
    total: int | None = None
    first = True
    while True:
        page = await fetch(token, page_size)
        if first:
            total, first = page.total, False
        for place in range(skip, len(page.items)):
            items.append(page.items[place])
            places.append((token, place))
        skip = 0
        following = page.next_token
        # Without a total, read to the end so that the count is exact.
        if following is None or (total is not None and len(items) >= want):
            return _StreamRun(items, places, start.index, following, total)
        if following in seen:
            raise UpstreamBadResponse(f"the OPD returned the continuation token {following!r} twice")
        seen.add(following)
        token = following


async def collect_pages(fetch: Callable[[str | None], Awaitable[Page[T]]]) -> list[T]:
    """Every item of every page, following continuation tokens to the end."""
    items: list[T] = []
    token: str | None = None
    seen: set[str | None] = {None}
    while True:
        page = await fetch(token)
        items.extend(page.items)
        if page.next_token is None:
            return items
        if page.next_token in seen:
            raise UpstreamBadResponse(f"the OPD returned the continuation token {page.next_token!r} twice")
        seen.add(page.next_token)
        token = page.next_token


def unique(items: Iterable[T], key: Callable[[T], Hashable]) -> list[T]:
    """``items`` without repeats of ``key`` (an upstream that shifted between pages), first kept."""
    seen: set[Hashable] = set()
    kept = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            kept.append(item)
    return kept
