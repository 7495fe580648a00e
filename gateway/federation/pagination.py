"""Exact cross-OPD pagination: a k-way merge of every OPD's next items.

To build a page of ``first`` items, each selected OPD that still has items
gives at least ``first`` of them after its position (concurrently, see
:mod:`.sources`); the runs are merged on the list's sort key and the first
``first`` taken. Every edge's cursor holds the position of every OPD right
after that edge, so any edge's cursor is a valid ``after``, whatever
``first`` the next request asks for. While the data does not change, pages
concatenated are exactly the sorted union of every OPD's items: nothing
repeated, nothing skipped.

An OPD that fails keeps the position it had in every cursor of the page:
its items come later, once it answers again. ``total_count`` is the sum of
the totals of the OPDs that answered, plus the known counts of OPDs
already read to their end (they are not called again).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar

from .connection import Edge, Slice
from .cursor import Cursor
from .fanout import Failed, Fanout, gather_all
from .positions import Exhausted, Position
from .sources import Run, Source, read

__all__ = ["paginate"]

T = TypeVar("T")
N = TypeVar("N")


async def paginate(
    fanout: Fanout,
    sources: Sequence[Source[T] | None],
    cursor: Cursor,
    first: int,
    *,
    key: Callable[[str, T], Any],
    node: Callable[[str, T], N],
    encode: Callable[[Cursor], str],
) -> Slice[N]:
    """The page of ``first`` items after ``cursor``.

    ``sources`` line up with ``cursor.positions`` (the selected OPDs in slug
    order); ``None`` is an OPD that takes no part (already reported
    ``SKIPPED``). ``key(opd, item)`` is the global sort key, ``node`` wraps
    an item for the caller, ``encode`` turns a cursor into text.
    """
    positions = cursor.positions
    readable = [
        (i, source)
        for i, source in enumerate(sources)
        if source is not None and not isinstance(positions[i], Exhausted)
    ]
    results = await gather_all(
        fanout.guard(source.opd, _reader(source, positions[i], first, cursor.page_size))
        for i, source in readable
    )
    runs: dict[int, Run[T]] = {
        i: result for (i, _), result in zip(readable, results, strict=True) if not isinstance(result, Failed)
    }
    total = sum(run.total for run in runs.values()) + sum(
        position.count
        for source, position in zip(sources, positions, strict=True)
        if source is not None and isinstance(position, Exhausted)
    )
    opd_of = {i: source.opd for i, source in enumerate(sources) if source is not None}
    # Generators, so that the sort key is computed only for the items the
    # merge looks at (about `first` of them), not for every item fetched.
    decorated = [_keyed(key, opd_of[i], i, run.items) for i, run in runs.items()]
    now: list[Position] = list(positions)
    for i, run in runs.items():
        now[i] = run.position_after(0)
    consumed = dict.fromkeys(runs, 0)
    edges: list[Edge[N]] = []
    for _, i, k in itertools.islice(heapq.merge(*decorated), first):
        consumed[i] += 1
        now[i] = runs[i].position_after(consumed[i])
        edges.append(Edge(encode(Cursor(cursor.page_size, tuple(now))), node(opd_of[i], runs[i].items[k])))
    return Slice(
        edges=edges,
        total_count=total,
        has_next_page=any(run.more_after(consumed[i]) for i, run in runs.items()),
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )


def _keyed(
    key: Callable[[str, T], Any], opd: str, index: int, items: Sequence[T]
) -> Iterator[tuple[Any, int, int]]:
    for k, item in enumerate(items):
        yield key(opd, item), index, k


def _reader(
    source: Source[T], position: Position, want: int, page_size: int
) -> Callable[[], Awaitable[Run[T]]]:
    async def run() -> Run[T]:
        return await read(source, position, want, page_size)

    return run
