"""The cache's own small protocol: what the rest of the gateway may ask of a cache.

Values are bytes (the caller serializes), so that an empty answer, ``None``
or ``[]`` serialized, is cached like any other, and a miss is told apart by
the :data:`MISSING` marker rather than by ``None``. Every backend (memory,
Redis) implements :class:`Cache`; only the backends import aiocache.
"""

from __future__ import annotations

import abc
import enum
from typing import Final

__all__ = ["MISSING", "Cache", "CacheUnavailable", "Missing"]


class Missing(enum.Enum):
    """The type of :data:`MISSING`."""

    MISSING = "MISSING"


MISSING: Final = Missing.MISSING
"""What :meth:`Cache.get` returns for a key it does not hold (or holds no longer)."""


class CacheUnavailable(Exception):  # noqa: N818 - names the condition, like ``LedgerUnavailable``
    """The cache's server does not answer; callers go on without the cache."""


class Cache(abc.ABC):
    """A key-value store of bytes with a time to live per entry.

    Keys are text made by :mod:`cache.keys`. Backends raise
    :class:`CacheUnavailable` when their server does not answer, and nothing
    else for an outage.
    """

    @abc.abstractmethod
    async def get(self, key: str) -> bytes | Missing:
        """The value stored under ``key``, or :data:`MISSING`."""

    @abc.abstractmethod
    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds (``None``: until evicted or deleted).

        A ``ttl`` of 0 or less stores nothing and drops an older value, so a
        TTL policy of 0 means "do not cache". ``value`` must be ``bytes``
        (``TypeError`` otherwise).
        """

    @abc.abstractmethod
    async def delete(self, key: str) -> bool:
        """Drop ``key``; ``True`` when it was there."""

    @abc.abstractmethod
    async def delete_prefix(self, prefix: str) -> int:
        """Drop every key starting with ``prefix``; how many were dropped."""

    @abc.abstractmethod
    async def ping(self) -> None:
        """Prove the backend answers; raise :class:`CacheUnavailable` when it does not."""

    @property
    def location(self) -> str:
        """Where the entries live, fit for a log line or ``/readyz``: never a password."""
        return type(self).__name__

    async def aclose(self) -> None:  # noqa: B027 - optional hook, empty on purpose
        """Release connections; the cache cannot be used afterwards."""


def require_bytes(value: object) -> None:
    """Raise ``TypeError`` unless ``value`` is ``bytes``: what every backend stores, the same way."""
    if not isinstance(value, bytes):
        raise TypeError(f"a cache stores bytes (serialize first), not {type(value).__name__}")


def stores_nothing(ttl: float | None) -> bool:
    """Whether ``ttl`` asks for nothing to be stored (0 or less, see :meth:`Cache.set`)."""
    return ttl is not None and ttl <= 0
