"""The whole-answer cache's rules: which requests it may answer, under which keys, with which headers.

An anonymous query's answer is kept whole (:mod:`gateway.response_store`)
and served again without Strawberry, so a warm portal query costs little
more than reading a dict. The rules, in the order the view applies them:

1. **Who and how.** Only a request with no officer key (no
   ``Authorization``, no ``X-API-Key``, valid or not), a ``POST`` of
   ``application/json`` or a ``GET``, not asking for a stream (``Accept`` of
   ``text/event-stream`` or ``multipart/mixed``): :class:`RequestHead`.
2. **The raw key** is a digest of the request's bytes (the ``POST`` body, the
   ``GET`` query string) and the schema's version: no parsing at all, so a
   hit costs a hash and one cache read. A client repeating itself byte for
   byte (every app does) hits it.
3. **The normalized key**, on a raw miss: the printed document, the
   ``operationName`` and the variables as canonical JSON, with the schema's
   version; whitespace, comments and key order no longer matter. It needs a
   parse (kept per text, :mod:`schema.operation_shape`), and only queries
   whose every root field is in :data:`CACHEABLE_ROOT_FIELDS` get one:
   ``requestStatus`` (a citizen's request changes when an officer acts),
   ``upstreams`` (live health), ``me`` and ``inbox`` (officers) never do.
4. **After execution**, the answer is kept under both keys for
   ``cache.response_ttl_s`` only when it is a ``200`` without any ``errors``
   entry, every OPD it touched answered ``OK`` or ``CACHED`` (not ``STALE``),
   and it is at most :data:`MAX_STORED_BYTES`.

A hit is the stored bytes as they were, ``extensions.upstreams`` included:
that report describes the execution that made the answer. The answer says
so with ``X-Cache: HIT`` and ``Age`` (seconds since it was made); rewriting
the report on every hit would cost a JSON decode and encode, which is what
the cache is there to avoid. An answer that was looked up and run carries
``X-Cache: MISS`` (kept or not); one the cache may not answer, none.

Headers: a cacheable ``GET`` answer carries ``Cache-Control: public,
max-age=<response_ttl_s>``, ``Age`` on a hit, and a strong ``ETag`` (a
digest of the JSON body), and ``If-None-Match`` with it is answered ``304``
with no body; every other ``GET`` answer (errors, an officer's) and every
``POST`` answer carries ``Cache-Control: no-store``: a ``POST`` is not a
URL a shared cache may key on, and the browser gains nothing from keeping it.
All carry ``Vary: Authorization, X-API-Key``. The ``ETag`` names one run's
bytes (upstream latencies included), so ``304`` is answered while that
answer is kept; a query run again gets a new one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import OperationType
from starlette.responses import Response
from starlette.types import Scope

from gateway.response_store import StoredResponse

from .operation_shape import DocumentShape

__all__ = [
    "CACHEABLE_ROOT_FIELDS",
    "MAX_STORED_BYTES",
    "NO_STORE",
    "VARY",
    "RequestHead",
    "cacheable_operation",
    "clean_result",
    "etag_matches",
    "mark_fresh",
    "normalized_digest",
    "raw_digest",
    "send_hit",
]

CACHEABLE_ROOT_FIELDS = frozenset(
    {"opds", "opd", "documents", "document", "informationList", "__typename", "__schema", "__type"}
)
"""Root fields whose answers are public and the same for every caller; a new root field is not cached
until it is added here. Introspection is: its answer depends on nothing but the schema, whose version
is part of every key."""

MAX_STORED_BYTES = 1_000_000
"""A larger answer is sent but not kept: one would crowd out a thousand portal pages."""

VARY = "Authorization, X-API-Key"
NO_STORE = "no-store"
_REUSABLE_STATUSES = frozenset({"OK", "CACHED"})
_STREAMING_ACCEPT = (b"text/event-stream", b"multipart/mixed")
_NOT_MODIFIED_HEADERS = ("ETag", "Cache-Control", "Vary", "X-Cache")


@dataclass(frozen=True, slots=True)
class RequestHead:
    """What the cache needs from a request's line and headers, read from the raw ASGI scope in one pass."""

    method: str
    anonymous: bool
    """No officer key was sent (valid or not)."""
    plain: bool
    """A JSON ``POST`` or a ``GET``, answered as one JSON document (no stream)."""
    if_none_match: str | None

    @classmethod
    def of(cls, scope: Scope) -> RequestHead:
        """Read ``scope``'s headers once, without building Starlette's header objects."""
        method: str = scope["method"]
        anonymous = True
        plain = method in {"GET", "POST"}
        json_body = False
        if_none_match: str | None = None
        for name, value in scope["headers"]:
            if name in (b"authorization", b"x-api-key"):
                anonymous = False
            elif name == b"accept":
                if any(kind in value for kind in _STREAMING_ACCEPT):
                    plain = False
            elif name == b"content-type":
                json_body = value.split(b";", 1)[0].strip().lower() == b"application/json"
            elif name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        if method == "POST" and not json_body:
            plain = False
        return cls(method=method, anonymous=anonymous, plain=plain, if_none_match=if_none_match)


def raw_digest(version: str, method: str, material: bytes) -> str:
    """The raw key of a request whose bytes (body or query string) are ``material``."""
    digest = hashlib.blake2b(material, digest_size=16, person=b"ppid-raw")
    digest.update(b"\0" + method.encode("ascii") + b"\0" + version.encode("ascii"))
    return "r" + digest.hexdigest()


def normalized_digest(
    version: str, shape: DocumentShape, operation_name: str | None, variables: Mapping[str, Any] | None
) -> str:
    """The normalized key of an operation: printed document, operation name, canonical variables."""
    canonical = json.dumps(variables or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.blake2b(digest_size=16, person=b"ppid-norm")
    for part in (version, shape.normalized, operation_name or "", canonical):
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)  # length-prefixed: no ambiguous joins
    return "n" + digest.hexdigest()


def cacheable_operation(shape: DocumentShape | None, operation_name: str | None) -> bool:
    """Whether the operation may be answered from the cache: a query of cacheable root fields only."""
    if shape is None:
        return False
    operation = shape.operation(operation_name)
    return (
        operation is not None
        and operation.kind is OperationType.QUERY
        and bool(operation.root_fields)
        and operation.root_fields <= CACHEABLE_ROOT_FIELDS
    )


def clean_result(errors: object, extensions: Mapping[str, Any] | None) -> bool:
    """Whether an execution's answer may be kept: no errors, and every OPD answered fresh."""
    if errors:
        return False
    upstreams = (extensions or {}).get("upstreams") or ()
    return all(entry.get("status") in _REUSABLE_STATUSES for entry in upstreams)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or is ``*``); weak tags compare by their value."""
    if if_none_match is None:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def send_hit(head: RequestHead, stored: StoredResponse, *, ttl_s: float, now: float) -> Response:
    """The answer from the cache: the stored body, or ``304`` to a ``GET`` whose ``If-None-Match`` names it.

    Strawberry is not reached: no parse, no context, no execution.
    """
    headers = {"X-Cache": "HIT", "Age": str(stored.age(now)), "Vary": VARY}
    if head.method == "GET":
        headers["ETag"] = stored.etag
        headers["Cache-Control"] = f"public, max-age={int(ttl_s)}"
        if etag_matches(head.if_none_match, stored.etag):
            return Response(status_code=304, headers=headers)
    else:
        headers["Cache-Control"] = NO_STORE
    return Response(stored.body, media_type="application/json", headers=headers)


def mark_fresh(head: RequestHead, response: Response, stored: StoredResponse, *, ttl_s: float) -> Response:
    """``response``, just executed and kept, with the cache's headers.

    A ``GET`` whose ``If-None-Match`` names the new ``ETag`` gets ``304`` instead.
    """
    if head.method != "GET":
        response.headers["Cache-Control"] = NO_STORE
        return response
    response.headers["ETag"] = stored.etag
    response.headers["Cache-Control"] = f"public, max-age={int(ttl_s)}"
    if etag_matches(head.if_none_match, stored.etag):
        kept = {name: value for name in _NOT_MODIFIED_HEADERS if (value := response.headers.get(name))}
        return Response(status_code=304, headers=kept)
    return response
