"""Upstream answers that may be reused, and how one is stored in the cache.

Only reads of what an OPD publishes are reusable: its profile, pages of its
documents and of its DIP, one document, and the whole lists the engine
materializes (an OPD that pushes nothing down is read in full on every
query otherwise: the largest cost of a query, docs/performance.md). Nothing
of the request service is: a request's status is never cached for the
citizen (DESIGN.md §6), and it does not go through the engine.

An answer is stored as one JSON document, its envelope::

    {"stored_at": <unix time>, "fresh_until": <unix time>, "payload": <the answer as JSON>}

under ``cache.keys.key("upstream", <slug>, <operation>, <shape>, <arguments>)``:

- ``shape`` digests the JSON schema of the answer's type and
  :data:`ENVELOPE_VERSION`, so a release that changes a record's shape (or
  the envelope) never reads an entry another release wrote: those expire;
- ``arguments`` is the SHA-256 of the canonical JSON of the call's
  arguments (a ``DocumentQuery``, a ``ListQuery``, a local id), so equal
  arguments make equal keys, whatever the order of a set;
- the slug comes first, so ``prefix("upstream", slug)`` selects one OPD's
  answers for invalidation.

Answers are (de)serialized by pydantic, to and from JSON, and validated
again when read: never pickle, which would run whatever code someone who
can write to a shared Redis put there.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter

from cache import keys
from connectors import Document, DocumentPage, InformationListEntry, InformationListPage, OpdProfile

__all__ = [
    "ALL_DOCUMENTS",
    "ALL_INFORMATION_LIST",
    "DOCUMENT",
    "DOCUMENT_PAGE",
    "ENVELOPE_VERSION",
    "INFORMATION_LIST_PAGE",
    "NAMESPACE",
    "PROFILE",
    "Entry",
    "Reusable",
    "TtlKind",
    "arguments_digest",
]

T = TypeVar("T")

NAMESPACE = "upstream"
"""The cache namespace of every upstream answer."""

ENVELOPE_VERSION = 1
"""The layout of the envelope; part of every shape, so changing it changes every key."""

TtlKind = Literal["profile", "information_list", "documents"]
"""Which ``cache.ttl`` entry says how long an answer stays fresh."""


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """An answer read back from the cache, with its times (unix seconds)."""

    value: T
    stored_at: float
    """When the answer was asked of the OPD."""
    fresh_until: float
    """Until when it is served without asking the OPD (``stored_at`` + its TTL)."""


class _Envelope(BaseModel, Generic[T]):
    model_config = ConfigDict(frozen=True, extra="forbid")

    stored_at: float
    fresh_until: float
    payload: T


class Reusable(Generic[T]):
    """One kind of upstream answer that may be reused: its key, its TTL and its (de)serialization.

    ``operation`` names the connector call in keys (and the whole list the
    engine reads, for materialized lists); ``ttl`` is the ``cache.ttl``
    entry that applies; ``answer_type`` is what the call returns.
    """

    def __init__(self, operation: str, ttl: TtlKind, answer_type: Any) -> None:
        self.operation = operation
        self.ttl: TtlKind = ttl
        self._payload: TypeAdapter[T] = TypeAdapter(answer_type)
        envelope: Any = _Envelope
        self._envelope: TypeAdapter[_Envelope[Any]] = TypeAdapter(envelope[answer_type])
        schema = json.dumps(self._payload.json_schema(), sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(f"{ENVELOPE_VERSION}\n{schema}".encode()).hexdigest()
        self.shape = f"{ENVELOPE_VERSION}.{digest[:16]}"
        """The version of the stored shape: changes whenever the answer's JSON schema does."""

    def __repr__(self) -> str:
        return f"Reusable({self.operation!r}, shape {self.shape})"

    def key(self, opd: str, arguments: object) -> str:
        """The cache key of the answer of ``opd`` to this operation with ``arguments``."""
        return keys.key(NAMESPACE, opd, self.operation, self.shape, arguments_digest(arguments))

    def encode(self, value: T, *, stored_at: float, fresh_until: float) -> bytes:
        """The envelope of ``value``, as stored."""
        head = f'{{"stored_at":{json.dumps(stored_at)},"fresh_until":{json.dumps(fresh_until)},"payload":'
        return head.encode() + self._payload.dump_json(value) + b"}"

    def decode(self, raw: bytes) -> Entry[T]:
        """The entry stored as ``raw``; ``ValueError`` when it is not an envelope of this shape."""
        envelope = self._envelope.validate_json(raw)
        value: T = envelope.payload
        return Entry(value, envelope.stored_at, envelope.fresh_until)


def arguments_digest(arguments: object) -> str:
    """The SHA-256 (hex) of the canonical JSON of ``arguments``: equal arguments, equal digests."""
    text = json.dumps(_canonical(arguments), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: object) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, enum.Enum):
        return _canonical(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _canonical(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    raise TypeError(f"cannot make a cache key of a {type(value).__name__}")


PROFILE: Reusable[OpdProfile] = Reusable("profile", "profile", OpdProfile)
"""An OPD's profile and PPID menu (no arguments)."""
DOCUMENT: Reusable[Document | None] = Reusable("get_document", "documents", Document | None)
"""One document by local id; ``None`` (not found) is an answer too."""
DOCUMENT_PAGE: Reusable[DocumentPage] = Reusable("list_documents", "documents", DocumentPage)
"""One page of a streamed OPD's documents, by its ``DocumentQuery``."""
ALL_DOCUMENTS: Reusable[list[Document]] = Reusable("all_documents", "documents", list[Document])
"""Every document of a materialized OPD that matches the filter it pushes down, by that filter."""
INFORMATION_LIST_PAGE: Reusable[InformationListPage] = Reusable(
    "information_list", "information_list", InformationListPage
)
"""One page of an OPD's DIP, by its ``ListQuery``."""
ALL_INFORMATION_LIST: Reusable[list[InformationListEntry]] = Reusable(
    "all_information_list", "information_list", list[InformationListEntry]
)
"""An OPD's whole DIP (no arguments), for a category the engine filters itself."""
