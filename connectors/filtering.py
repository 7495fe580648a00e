"""The one meaning of a document filter and of a document order.

The engine applies what a connector does not push down with these functions,
and a connector that filters or sorts upstream must agree with them (the
contract kit checks it).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from .queries import DocumentFilter, DocumentOrder
from .records import Document

__all__ = ["document_matches", "normalize_text", "order_key", "query_words"]

_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def normalize_text(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace, for matching and sorting."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def query_words(query: str | None) -> tuple[str, ...]:
    """The words of a free-text query, normalized; empty for no query."""
    if not query:
        return ()
    return tuple(normalize_text(query).split())


def document_matches(document: Document, flt: DocumentFilter) -> bool:
    """True when ``document`` satisfies every part of ``flt``.

    A document without a year never matches a year bound; a free-text query
    matches when every word occurs (as a substring) in the title, summary or type.
    """
    if flt.categories and document.category not in flt.categories:
        return False
    if flt.year_from is not None and (document.year is None or document.year < flt.year_from):
        return False
    if flt.year_to is not None and (document.year is None or document.year > flt.year_to):
        return False
    if flt.type and (document.type is None or normalize_text(document.type) != normalize_text(flt.type)):
        return False
    words = query_words(flt.query)
    if words:
        haystack = normalize_text(" ".join(_texts(document)))
        if not all(word in haystack for word in words):
            return False
    return True


def _texts(document: Document) -> Iterable[str]:
    yield document.title
    if document.summary:
        yield document.summary
    if document.type:
        yield document.type


def order_key(document: Document, order: DocumentOrder) -> tuple[object, ...]:
    """The sort key of ``document`` within one OPD, ascending, total by local id.

    For NEWEST the timestamp is negated so that every order sorts ascending;
    undated documents sort last in both date orders.
    """
    if order is DocumentOrder.TITLE:
        return (normalize_text(document.title), document.local_id)
    stamp = document.published_at
    if stamp is None:
        return (1, 0.0, document.local_id)
    seconds = (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).timestamp()
    return (0, -seconds if order is DocumentOrder.NEWEST else seconds, document.local_id)
