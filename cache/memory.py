"""The in-process cache: aiocache's ``SimpleMemoryCache``, bounded by an LRU index of our own.

aiocache's memory backend is a plain dict that grows with every distinct key
it is given (filters, cursors and query texts make keys without end), so on
its own it would hold every answer ever cached until each one's TTL runs
out. :class:`MemoryCache` keeps the keys in an :class:`~collections.OrderedDict`
in the order they were last used; once it holds more than ``max_entries``,
the least recently used entry is deleted from the aiocache store as well, so
its memory is freed, not only forgotten.

Expiry is checked against our own clock when an entry is read (so a test
can move time on without waiting), and aiocache's timer deletes an expired
entry that nobody reads again. The store holds at most the keys of the index,
and the index at most ``max_entries`` keys.

One process only: replicas do not share it (use Redis for that), and it is
lost on restart.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from aiocache import SimpleMemoryCache

from .protocol import MISSING, Cache, Missing, require_bytes, stores_nothing

__all__ = ["MemoryCache"]


class MemoryCache(Cache):
    """At most ``max_entries`` entries in this process, the least recently used evicted first.

    ``clock`` gives seconds (monotonic) for TTL expiry.
    """

    def __init__(self, max_entries: int = 10_000, *, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._clock = clock
        # no per-call timeout: every call is a dict operation that never waits
        self._store = SimpleMemoryCache(timeout=None)
        self._expires: OrderedDict[str, float | None] = OrderedDict()
        """Every key the store may hold, least recently used first, with its deadline (``None``: none)."""

    @property
    def location(self) -> str:
        return f"memory (this process, at most {self.max_entries} entries)"

    async def get(self, key: str) -> bytes | Missing:
        if key not in self._expires:
            return MISSING
        deadline = self._expires[key]
        if deadline is not None and self._clock() >= deadline:
            await self._drop(key)
            return MISSING
        value = await self._store.get(key)
        if not isinstance(value, bytes):  # aiocache's own timer deleted it first
            del self._expires[key]
            return MISSING
        self._expires.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        require_bytes(value)
        if stores_nothing(ttl):
            await self._drop(key)
            return
        self._expires[key] = None if ttl is None else self._clock() + ttl
        self._expires.move_to_end(key)
        await self._store.set(key, value, ttl=ttl)
        while len(self._expires) > self.max_entries:
            oldest, _ = self._expires.popitem(last=False)
            await self._store.delete(oldest)

    async def delete(self, key: str) -> bool:
        if key not in self._expires:
            return False
        deadline = self._expires[key]
        live = deadline is None or self._clock() < deadline
        return await self._drop(key) and live

    async def delete_prefix(self, prefix: str) -> int:
        dropped = 0
        for key in [key for key in self._expires if key.startswith(prefix)]:
            dropped += await self.delete(key)
        return dropped

    async def ping(self) -> None:
        """Always answers: the entries are in this process."""

    async def entry_count(self) -> int:
        """How many entries aiocache's store holds now: never more than ``max_entries``."""
        count: int = await self._store.raw("__len__")
        return count

    async def aclose(self) -> None:
        await self._store.clear()
        self._expires.clear()

    async def _drop(self, key: str) -> bool:
        """Forget ``key`` in the index and the store; ``True`` when the store still held it."""
        self._expires.pop(key, None)
        return bool(await self._store.delete(key))
