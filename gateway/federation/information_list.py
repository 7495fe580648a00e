"""The public information lists (DIP) of many OPDs, as one list.

There is no meaningful global order of DIP entries, so the list is the
concatenation of the OPDs' lists in slug order, each in its upstream order;
the pagination machinery and the cursor rules are those of documents.

The category filter is applied by the engine: connectors declare no
pushdown for the DIP, and a connector that ignored ``ListQuery.category``
would report the wrong total. Without a category an OPD is streamed; with
one it is materialized (DIPs are short).
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence

from connectors import (
    Capability,
    Connector,
    InformationCategory,
    InformationListEntry,
    InformationListPage,
    ListQuery,
)

from .connection import Slice, check_first
from .cursor import Cursor, CursorCodec, CursorScope
from .fanout import Fanout
from .memo import OperationMemo
from .nodes import FederatedListEntry
from .pagination import paginate
from .positions import FRESH
from .reusable import ALL_INFORMATION_LIST, INFORMATION_LIST_PAGE
from .sources import Page, Source, collect_pages, unique

__all__ = ["information_list_slice"]

KIND = "information_list"
MATERIALIZE_PAGE_SIZE = 100
MIN_STREAM_PAGE_SIZE = 20


async def information_list_slice(
    fanout: Fanout,
    *,
    memo: OperationMemo,
    codec: CursorCodec,
    selection: Sequence[tuple[str, Connector | None]],
    category: InformationCategory | None,
    first: int,
    after: str | None,
) -> Slice[FederatedListEntry]:
    """One page of the DIP entries of the ``selection`` (slug order), after ``after``."""
    check_first(first)
    criteria = {"category": category.value if category is not None else None}
    scope = CursorScope.of(KIND, None, criteria, [opd for opd, _ in selection])
    if after is None:
        cursor = Cursor(max(first, MIN_STREAM_PAGE_SIZE), (FRESH,) * len(selection))
    else:
        cursor = codec.decode(scope, after)
    sources: list[Source[InformationListEntry] | None] = []
    for opd, connector in selection:
        if connector is None:
            fanout.skip(opd, "the OPD is not active")
            sources.append(None)
        elif not connector.supports(Capability.INFORMATION_LIST):
            fanout.skip(opd, "its connector does not provide an information list")
            sources.append(None)
        else:
            sources.append(_source(fanout, memo, opd, connector, category))
    return await paginate(
        fanout,
        sources,
        cursor,
        first,
        key=lambda opd, entry: opd,
        node=FederatedListEntry,
        encode=lambda next_cursor: codec.encode(scope, next_cursor),
    )


def _source(
    fanout: Fanout,
    memo: OperationMemo,
    opd: str,
    connector: Connector,
    category: InformationCategory | None,
) -> Source[InformationListEntry]:
    async def read_page(guarded: Fanout, query: ListQuery) -> InformationListPage:
        return await guarded.call(
            opd, "information_list", lambda: connector.information_list(query), expect=InformationListPage
        )

    async def fetch(token: str | None, page_size: int) -> Page[InformationListEntry]:
        query = ListQuery(category=None, page_size=page_size, token=token)
        return await fanout.reuse(
            opd, INFORMATION_LIST_PAGE, query, lambda guarded: read_page(guarded, query)
        )

    async def read_all(guarded: Fanout) -> list[InformationListEntry]:
        def page(token: str | None) -> Awaitable[InformationListPage]:
            return read_page(guarded, ListQuery(category=None, page_size=MATERIALIZE_PAGE_SIZE, token=token))

        return unique(await collect_pages(page), lambda entry: entry.local_id)

    async def fetch_all() -> list[InformationListEntry]:
        # The whole DIP is one reusable answer, like a materialized OPD's documents.
        return await fanout.reuse(opd, ALL_INFORMATION_LIST, None, read_all)

    async def materialize() -> list[InformationListEntry]:
        entries = await memo.get((KIND, opd), fetch_all)
        return [entry for entry in entries if category is None or entry.category is category]

    return Source(opd, materialize, fetch if category is None else None)
