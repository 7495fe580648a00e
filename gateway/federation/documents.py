"""Documents across OPDs: one stable order over every selected OPD.

The global order is the document order's key (date or title), then the OPD
slug, then the local id, so it is total (:func:`global_key`). An OPD
is streamed when its connector's ``pushdown`` covers every part of the
filter that is set and the order; otherwise it is materialized with the part
of the filter it does push down (and no order), and the engine filters and
sorts the rest with the same functions. See :mod:`.pagination`.

Totals are exact: a materialized OPD counts its filtered list; a streamed
OPD gives the ``total`` of its first page fetched, and when it gives none
the engine reads it to its end from the cursor's position and counts
(costing what a materialized OPD costs); an OPD already read to its end is
counted from the cursor without a call. OPDs that failed are not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors import (
    Capability,
    Connector,
    Document,
    DocumentFilter,
    DocumentOrder,
    DocumentPage,
    DocumentQuery,
    Pushdown,
    document_matches,
    order_key,
)
from connectors.filtering import normalize_text, query_words

from .connection import Slice, check_first
from .cursor import Cursor, CursorCodec, CursorScope
from .fanout import Fanout
from .memo import OperationMemo
from .nodes import FederatedDocument
from .pagination import paginate
from .positions import FRESH
from .reusable import ALL_DOCUMENTS, DOCUMENT_PAGE
from .sources import Page, Source, collect_pages, unique

__all__ = [
    "MATERIALIZE_PAGE_SIZE",
    "all_documents",
    "document_slice",
    "global_key",
    "normalize_filter",
    "pushed_filter",
]

KIND = "documents"
MATERIALIZE_PAGE_SIZE = 100
"""The page size asked while fetching every page of an OPD."""
MIN_STREAM_PAGE_SIZE = 20
"""The smallest page size asked of a streamed OPD, whatever ``first``."""


def normalize_filter(flt: DocumentFilter) -> DocumentFilter:
    """``flt`` with blank text parts removed, so that equal filters compare equal."""
    return DocumentFilter(
        categories=flt.categories,
        year_from=flt.year_from,
        year_to=flt.year_to,
        query=(flt.query or "").strip() or None,
        type=(flt.type or "").strip() or None,
    )


def pushed_filter(flt: DocumentFilter, pushdown: Pushdown) -> DocumentFilter:
    """The part of ``flt`` a connector with ``pushdown`` applies itself."""
    return DocumentFilter(
        categories=flt.categories if pushdown.categories else frozenset(),
        year_from=flt.year_from if pushdown.years else None,
        year_to=flt.year_to if pushdown.years else None,
        query=flt.query if pushdown.query else None,
        type=flt.type if pushdown.type else None,
    )


async def document_slice(
    fanout: Fanout,
    *,
    memo: OperationMemo,
    codec: CursorCodec,
    selection: Sequence[tuple[str, Connector | None]],
    flt: DocumentFilter,
    order: DocumentOrder,
    first: int,
    after: str | None,
) -> Slice[FederatedDocument]:
    """One page of the documents of the ``selection`` (slug order), after ``after``."""
    check_first(first)
    flt = normalize_filter(flt)
    scope = CursorScope.of(KIND, order.value, _criteria(flt), [opd for opd, _ in selection])
    if after is None:
        cursor = Cursor(max(first, MIN_STREAM_PAGE_SIZE), (FRESH,) * len(selection))
    else:
        cursor = codec.decode(scope, after)
    sources: list[Source[Document] | None] = []
    for opd, connector in selection:
        if connector is None:
            fanout.skip(opd, "the OPD is not active")
            sources.append(None)
        elif not connector.supports(Capability.DOCUMENTS):
            fanout.skip(opd, "its connector does not list documents")
            sources.append(None)
        else:
            sources.append(_source(fanout, memo=memo, opd=opd, connector=connector, flt=flt, order=order))
    return await paginate(
        fanout,
        sources,
        cursor,
        first,
        key=lambda opd, doc: global_key(doc, order, opd),
        node=FederatedDocument,
        encode=lambda next_cursor: codec.encode(scope, next_cursor),
    )


def global_key(doc: Document, order: DocumentOrder, opd: str) -> tuple[object, ...]:
    """The sort key of ``doc`` of ``opd`` across OPDs: the order's key, then the slug, then the local id.

    ``order_key`` ends with the local id (that makes it total within an
    OPD); across OPDs the slug breaks ties before it, as DESIGN.md says. The
    order within one OPD is unchanged, so its sorted pages can be merged.
    """
    *primary, local_id = order_key(doc, order)
    return (*primary, opd, local_id)


async def all_documents(
    fanout: Fanout, memo: OperationMemo, opd: str, connector: Connector, pushed: DocumentFilter
) -> list[Document]:
    """Every document of ``opd`` that matches ``pushed`` upstream, once per operation.

    The whole list is one reusable answer (not page by page): a cached
    materialized OPD then costs one cache read, whatever its number of pages.
    """

    async def read_all(guarded: Fanout) -> list[Document]:
        async def fetch_page(token: str | None) -> Page[Document]:
            query = DocumentQuery(filter=pushed, order=None, page_size=MATERIALIZE_PAGE_SIZE, token=token)
            return await guarded.call(
                opd, "list_documents", lambda: connector.list_documents(query), expect=DocumentPage
            )

        return unique(await collect_pages(fetch_page), lambda doc: doc.local_id)

    async def fetch() -> list[Document]:
        return await fanout.reuse(opd, ALL_DOCUMENTS, pushed, read_all)

    return await memo.get((KIND, opd, pushed), fetch)


def _source(
    fanout: Fanout,
    *,
    memo: OperationMemo,
    opd: str,
    connector: Connector,
    flt: DocumentFilter,
    order: DocumentOrder,
) -> Source[Document]:
    pushed = pushed_filter(flt, connector.pushdown)

    async def materialize() -> list[Document]:
        found = [
            doc
            for doc in await all_documents(fanout, memo, opd, connector, pushed)
            if document_matches(doc, flt)
        ]
        return sorted(found, key=lambda doc: order_key(doc, order))

    async def stream(token: str | None, page_size: int) -> Page[Document]:
        query = DocumentQuery(filter=flt, order=order, page_size=page_size, token=token)

        async def read_page(guarded: Fanout) -> DocumentPage:
            return await guarded.call(
                opd, "list_documents", lambda: connector.list_documents(query), expect=DocumentPage
            )

        return await fanout.reuse(opd, DOCUMENT_PAGE, query, read_page)

    streams = pushed == flt and order.value in connector.pushdown.orders
    return Source(opd, materialize, stream if streams else None)


def _criteria(flt: DocumentFilter) -> Any:
    return {
        "categories": sorted(category.value for category in flt.categories),
        "year_from": flt.year_from,
        "year_to": flt.year_to,
        "query": list(query_words(flt.query)),
        "type": normalize_text(flt.type) if flt.type else None,
    }
