"""Dropping cached answers when an OPD's data changed: one service for the admin mutation and the webhook.

Two layers hold an OPD's data: the federation engine's upstream answers,
which are kept per OPD, and the whole answers to anonymous queries
(:mod:`gateway.response_store`), which may span every OPD. Invalidating one
OPD therefore drops that OPD's upstream answers and *every* whole answer;
both live in the shared cache, so every replica sees the change at once.
"""

from __future__ import annotations

import logging
from typing import Protocol

from .response_store import ResponseStore

__all__ = ["CacheInvalidation", "UpstreamCache"]

logger = logging.getLogger("ppid_gateway.cache")


class UpstreamCache(Protocol):
    """What invalidation asks of the federation engine."""

    async def invalidate(self, opd: str | None) -> int:
        """Drop the cached upstream answers of ``opd`` (``None``: of every OPD); how many."""
        ...


class CacheInvalidation:
    """Drop an OPD's cached data (or everyone's) from the upstream and the whole-answer caches."""

    def __init__(self, upstream: UpstreamCache, responses: ResponseStore) -> None:
        self.upstream = upstream
        self.responses = responses

    async def invalidate(self, opd: str | None, *, by: str) -> int:
        """Drop what is cached of ``opd`` (``None``: every OPD); the number of entries dropped.

        ``by`` says who asked (an officer id, ``webhook``), for the log line.
        """
        upstream = await self.upstream.invalidate(opd)
        responses = await self.responses.clear()
        logger.info(
            "cache invalidated for %s by %s: %d upstream answers, %d whole answers",
            opd or "every OPD",
            by,
            upstream,
            responses,
        )
        return upstream + responses
