"""What the engine asks a connector for."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .records import InformationCategory

__all__ = ["DocumentFilter", "DocumentOrder", "DocumentQuery", "ListQuery", "OpdRef"]


class DocumentOrder(enum.Enum):
    """How documents are ordered. Ties are broken by local id, ascending."""

    NEWEST = "NEWEST"
    """``published_at`` descending (documents without a date come last)."""
    OLDEST = "OLDEST"
    """``published_at`` ascending (documents without a date come last)."""
    TITLE = "TITLE"
    """Title, case-insensitive, ascending."""


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Which documents a query wants. An empty filter matches everything.

    The meaning of each field is defined by
    :func:`connectors.filtering.document_matches`.
    """

    categories: frozenset[InformationCategory] = frozenset()
    """Only these categories; empty means all."""
    year_from: int | None = None
    """Only documents with ``year >= year_from``."""
    year_to: int | None = None
    """Only documents with ``year <= year_to``."""
    query: str | None = None
    """Free text: every word must occur in the title, summary or type."""
    type: str | None = None
    """Only this document type (case-insensitive)."""

    def is_empty(self) -> bool:
        """True when the filter matches every document."""
        return not (self.categories or self.year_from or self.year_to or self.query or self.type)


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    """One page request to ``Connector.list_documents``.

    When ``token`` is set, the connector continues from it and ignores
    ``page_size`` if the token carries its own (a token stays valid however
    the caller's page size changes).
    """

    filter: DocumentFilter = field(default_factory=DocumentFilter)
    """The filter, already reduced to what the connector declared it pushes down."""
    order: DocumentOrder | None = None
    """The order wanted, or ``None`` when the engine will sort itself."""
    page_size: int = 50
    """How many items the engine would like in this page (a hint)."""
    token: str | None = None
    """The continuation token from the previous page, ``None`` for the first."""


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One page request to ``Connector.information_list``."""

    category: InformationCategory | None = None
    """Only this category, when set."""
    page_size: int = 100
    """How many entries the engine would like (a hint)."""
    token: str | None = None
    """The continuation token from the previous page."""


@dataclass(frozen=True, slots=True)
class OpdRef:
    """The OPD a connector instance serves, as the gateway's directory knows it."""

    slug: str
    """The OPD's slug: the first half of every global id it owns."""
    name: str
    """Its full name."""
    website: str | None = None
    """Its public website."""
