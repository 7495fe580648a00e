"""A fake OPD upstream for ``MockConnector``: an in-memory catalog that pages like a real one.

It honours exactly the pushdown it is given, and checks that the engine
never pushes down more than that (an assertion error in the handler
surfaces as a connector bug in the engine's report, so tests also assert
on the report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from connectors import (
    WIB,
    Capability,
    Document,
    DocumentFilter,
    DocumentPage,
    DocumentQuery,
    InformationCategory,
    InformationListEntry,
    InformationListPage,
    ListQuery,
    MockCall,
    MockConnector,
    OpdProfile,
    OpdRef,
    Pushdown,
    document_matches,
    order_key,
)

ALL_CAPABILITIES = frozenset(
    {Capability.DOCUMENTS, Capability.DOCUMENT, Capability.INFORMATION_LIST, Capability.PROFILE}
)


@dataclass
class Catalog:
    """One OPD's records and the way its upstream pages them.

    ``page_size``: ``None`` honours the engine's hint, else the upstream's own
    fixed size. ``tokens``: ``offset`` tokens carry the position; ``page``
    tokens are page numbers interpreted with the *request's* page size (a
    connector that breaks if the page size changes mid-way; the engine must
    cope). ``totals``: whether pages report a total.
    """

    documents: Sequence[Document] = ()
    entries: Sequence[InformationListEntry] = ()
    profile: OpdProfile | None = None
    pushdown: Pushdown = field(default_factory=Pushdown)
    page_size: int | None = None
    tokens: Literal["offset", "page"] = "offset"
    totals: bool = True

    def __call__(self, call: MockCall) -> Any:
        if call.operation == "list_documents":
            return self.list_documents(call.argument)
        if call.operation == "get_document":
            return next((doc for doc in self.documents if doc.local_id == call.argument), None)
        if call.operation == "information_list":
            return self.information_list(call.argument)
        if call.operation == "profile":
            return self.profile or OpdProfile(description="profil")
        raise AssertionError(f"unexpected call {call!r}")

    def list_documents(self, query: DocumentQuery) -> DocumentPage:
        flt, push = query.filter, self.pushdown
        assert push.categories or not flt.categories, "categories pushed down without pushdown"
        assert push.years or (flt.year_from is None and flt.year_to is None), "years pushed down"
        assert push.query or not flt.query, "query pushed down without pushdown"
        assert push.type or not flt.type, "type pushed down without pushdown"
        assert query.order is None or query.order.value in push.orders, "order pushed down"
        found = [doc for doc in self.documents if document_matches(doc, flt)]
        if query.order is not None:
            found.sort(key=lambda doc: order_key(doc, query.order))  # type: ignore[arg-type]
        items, next_token = self._page(found, query.token, query.page_size)
        return DocumentPage(
            items=tuple(items), next_token=next_token, total=len(found) if self.totals else None
        )

    def information_list(self, query: ListQuery) -> InformationListPage:
        assert query.category is None, "the engine filters DIP categories itself"
        items, next_token = self._page(list(self.entries), query.token, query.page_size)
        total = len(self.entries) if self.totals else None
        return InformationListPage(items=tuple(items), next_token=next_token, total=total)

    def _page(self, found: list[Any], token: str | None, hint: int) -> tuple[list[Any], str | None]:
        size = self.page_size or hint
        if self.tokens == "page":
            number = int(token or 0)
            start = number * size
            following = str(number + 1)
        else:
            start = int(token or 0)
            following = str(start + size)
        end = start + size
        return found[start:end], following if end < len(found) else None


def connector(
    slug: str,
    catalog: Catalog | Any,
    *,
    capabilities: Iterable[Capability] = ALL_CAPABILITIES,
    pushdown: Pushdown | None = None,
) -> MockConnector:
    """A ``MockConnector`` for OPD ``slug`` answered by ``catalog`` (or any handler)."""
    push = pushdown if pushdown is not None else getattr(catalog, "pushdown", Pushdown())
    return MockConnector(
        catalog,
        opd=OpdRef(slug=slug, name=f"OPD {slug}"),
        capabilities=frozenset(capabilities),
        pushdown=push,
    )


def doc(
    local_id: str,
    title: str = "Laporan",
    *,
    category: InformationCategory = InformationCategory.BERKALA,
    published: dt.datetime | None = None,
    year: int | None = None,
    type: str | None = None,
    summary: str | None = None,
    file_url: str | None = None,
) -> Document:
    """A document with only what a test cares about."""
    return Document(
        local_id=local_id,
        title=title,
        category=category,
        published_at=published,
        year=year,
        type=type,
        summary=summary,
        file_url=file_url,
    )


def day(n: int) -> dt.datetime:
    """Noon WIB on the ``n``-th day of 2025."""
    return dt.datetime(2025, 1, 1, 12, tzinfo=WIB) + dt.timedelta(days=n)


def entry(local_id: str, category: InformationCategory = InformationCategory.BERKALA) -> InformationListEntry:
    """A DIP entry."""
    return InformationListEntry(local_id=local_id, title=f"Informasi {local_id}", category=category)


def everything() -> DocumentFilter:
    """The empty filter."""
    return DocumentFilter()
