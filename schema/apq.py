"""Automatic persisted queries (APQ), Apollo's protocol: a client sends a query's hash instead of its text.

A mobile client on a slow network sends ``extensions.persistedQuery =
{version: 1, sha256Hash}`` and no query. If the gateway has that hash, it
runs the query it stands for; if not, it answers ``PERSISTED_QUERY_NOT_FOUND``
(HTTP 200, as Apollo's clients expect) and the client sends the query once
with its hash, which the gateway checks and keeps. Over ``GET`` this makes
short URLs that a CDN can cache.

The queries are kept in the shared cache (namespace ``apq``), so a hash
registered through one replica is known to all; for ``cache.apq_ttl_s``
(7 days by default). It lives at the HTTP layer (:mod:`schema.http`), not as
a schema extension, so that a ``GET`` without a query is not taken for a
browser asking for GraphiQL and a hash can reach the whole-answer cache.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from graphql import GraphQLError, parse

from cache.keys import key
from cache.protocol import MISSING, Cache

__all__ = ["NOT_FOUND", "SUPPORTED_VERSION", "PersistedQueries", "PersistedQueryError", "sha256_hex"]

SUPPORTED_VERSION = 1
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
BAD_REQUEST = "BAD_REQUEST"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def sha256_hex(query: str) -> str:
    """The hash APQ names ``query`` by: the SHA-256 of its UTF-8 bytes, in lower-case hex."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


class PersistedQueryError(Exception):
    """An APQ request the gateway cannot run: the HTTP status, the GraphQL error code, the message."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        """The GraphQL response that carries the refusal."""
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}


_NOT_FOUND = PersistedQueryError(
    200,
    NOT_FOUND,
    # Apollo's clients match this exact message (older ones) or the code (newer ones)
    "PersistedQueryNotFound",
)


class PersistedQueries:
    """The hash → query store, in ``cache`` for ``ttl_s`` seconds."""

    def __init__(self, cache: Cache, ttl_s: float) -> None:
        self.cache = cache
        self.ttl_s = ttl_s

    async def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        """The query text of a request: ``query`` itself, or the one its persisted hash stands for.

        Returns ``query`` unchanged for a request without ``persistedQuery``.
        Raises :class:`PersistedQueryError`: ``PERSISTED_QUERY_NOT_FOUND`` for
        a hash the store lacks, ``BAD_REQUEST`` (HTTP 400) for a hash that is
        not the query's, an unknown version, or a malformed extension.
        """
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return query
        digest = _checked_hash(persisted)
        if query is None:
            stored = await self.cache.get(key("apq", digest))
            if stored is MISSING:
                raise _NOT_FOUND
            return stored.decode("utf-8")
        if sha256_hex(query) != digest:
            raise PersistedQueryError(400, BAD_REQUEST, "provided sha does not match query")
        if _parses(query):
            # a text that is not GraphQL is answered with its syntax error, and not kept
            await self.cache.set(key("apq", digest), query.encode("utf-8"), ttl=self.ttl_s)
        return query


def _checked_hash(persisted: Any) -> str:
    if not isinstance(persisted, dict):
        raise PersistedQueryError(
            400, BAD_REQUEST, "extensions.persistedQuery must be an object {version: 1, sha256Hash}"
        )
    version = persisted.get("version")
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        raise PersistedQueryError(
            400,
            BAD_REQUEST,
            f"unsupported persisted query version {version!r}: this gateway supports version "
            f"{SUPPORTED_VERSION} (Apollo's automatic persisted queries)",
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _HEX_DIGEST.fullmatch(digest.lower()):
        raise PersistedQueryError(
            400,
            BAD_REQUEST,
            "extensions.persistedQuery.sha256Hash must be the 64 hex digits of the SHA-256 of the query",
        )
    return digest.lower()


def _parses(query: str) -> bool:
    try:
        parse(query)
    except GraphQLError:
        return False
    return True
