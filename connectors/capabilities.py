"""What a connector can do, and which filters and orderings it applies itself."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .queries import DocumentOrder

__all__ = ["Capability", "Pushdown"]


class Capability(enum.Enum):
    """One operation a connector may support.

    The engine calls only the operations a connector declares and reports
    ``SKIPPED`` for the OPD when an operation needs one it lacks.
    """

    DOCUMENTS = "documents"
    """``list_documents``: pages of the OPD's public documents."""
    DOCUMENT = "document"
    """``get_document``: one document by its local id."""
    INFORMATION_LIST = "information_list"
    """``information_list``: the OPD's Daftar Informasi Publik (DIP)."""
    PROFILE = "profile"
    """``profile``: the OPD's PPID profile and standard PPID menu."""
    REQUEST_INTAKE = "request_intake"
    """``submit_request``: the OPD accepts information requests itself."""
    REQUEST_STATUS = "request_status"
    """``request_status``: the OPD reports the state of a request it received."""
    STATISTICS = "statistics"
    """``statistics``: the OPD reports its own service figures."""
    FILES = "files"
    """``open_file``: the connector streams document files."""


@dataclass(frozen=True, slots=True)
class Pushdown:
    """The filters and orderings a connector applies upstream.

    Whatever is not pushed down the engine applies itself, after fetching every
    page of the OPD, so results are the same either way. Pushing more down only
    makes queries cheaper. A connector that pushes down a filter must apply it
    with the same meaning as :func:`connectors.filtering.document_matches`.
    """

    query: bool = False
    """Free-text ``query`` is applied upstream."""
    categories: bool = False
    """The ``categories`` filter is applied upstream."""
    years: bool = False
    """``year_from`` / ``year_to`` are applied upstream."""
    type: bool = False
    """The document ``type`` filter is applied upstream."""
    orders: frozenset[str] = frozenset()
    """Orders (``DocumentOrder`` values) the upstream returns pages in.

    A source that sorts must break ties by local id ascending, so that its
    order is total (the engine merges OPDs on ``(sort key, slug, local id)``).
    """

    @classmethod
    def nothing(cls) -> Pushdown:
        """No pushdown: the engine fetches every page and filters locally."""
        return cls()

    @classmethod
    def everything(cls) -> Pushdown:
        """Every filter and every order applied upstream, exactly as the engine would (a catalog held
        in memory, another ppid-gateway)."""
        return cls(
            query=True,
            categories=True,
            years=True,
            type=True,
            orders=frozenset(order.value for order in DocumentOrder),
        )
