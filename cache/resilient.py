"""The cache the gateway uses: any backend, made optional, so a Redis outage never fails a query.

The cache only saves work: without it the gateway still answers, from the
OPDs. :class:`ResilientCache` wraps a backend and, when the backend raises
:class:`~cache.protocol.CacheUnavailable`, answers as an empty cache would
(``get`` misses, ``set`` and ``delete`` do nothing) instead of failing the
request.

- **Logs once per outage**: one ``WARNING`` when the backend stops answering
  and one ``INFO`` when it answers again, not one line per request.
- **Does not wait on a dead server**: after a failure the backend is not
  asked at all for a backoff (1 s, doubling with each failed probe up to
  30 s); then one caller probes it with ``ping`` (the others go on without
  the cache meanwhile), and the cache is used again as soon as a probe
  answers. So while Redis is down, at most one request per backoff pays the
  backend's (short) timeout.
- **Says how it is**: :attr:`~ResilientCache.healthy` and
  :attr:`~ResilientCache.state` (``ok`` or ``degraded: <why>``) for
  ``/readyz``; :meth:`~ResilientCache.probe` asks the backend now.
- **Invalidation is not silent**: :meth:`~ResilientCache.delete_prefix`
  (an admin's or a webhook's purge) always asks the backend and raises
  :class:`~cache.protocol.CacheUnavailable` when it cannot purge, so its
  caller can tell the purge did not happen and have it retried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from .protocol import MISSING, Cache, CacheUnavailable, Missing

__all__ = ["ResilientCache"]

_log = logging.getLogger("ppid_gateway.cache")


class ResilientCache(Cache):
    """``inner``, answering as an empty cache while it does not answer.

    ``backoff_s`` is the first wait before probing a failed backend again,
    doubled after each failed probe up to ``max_backoff_s``; ``clock`` gives
    monotonic seconds.
    """

    def __init__(
        self,
        inner: Cache,
        *,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < backoff_s <= max_backoff_s:
            raise ValueError(f"expected 0 < backoff_s <= max_backoff_s, got {backoff_s} and {max_backoff_s}")
        self.inner = inner
        self._first_backoff_s = backoff_s
        self._max_backoff_s = max_backoff_s
        self._clock = clock
        self._backoff_s = backoff_s
        self._problem: str | None = None
        self._down_since = 0.0
        self._retry_at = 0.0
        self._probing = False

    @property
    def location(self) -> str:
        return self.inner.location

    @property
    def healthy(self) -> bool:
        """Whether the backend answered the last time it was asked."""
        return self._problem is None

    @property
    def state(self) -> str:
        """``ok``, or ``degraded: <why>`` (never a password), as ``/readyz`` shows it."""
        return "ok" if self._problem is None else f"degraded: {self._problem}"

    async def get(self, key: str) -> bytes | Missing:
        if await self._usable():
            try:
                return await self.inner.get(key)
            except CacheUnavailable as exc:
                self._failed(exc)
        return MISSING

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        if await self._usable():
            try:
                await self.inner.set(key, value, ttl=ttl)
            except CacheUnavailable as exc:
                self._failed(exc)

    async def delete(self, key: str) -> bool:
        if await self._usable():
            try:
                return await self.inner.delete(key)
            except CacheUnavailable as exc:
                self._failed(exc)
        return False

    async def delete_prefix(self, prefix: str) -> int:
        """Drop every key starting with ``prefix``; raises :class:`CacheUnavailable` when it cannot."""
        try:
            dropped = await self.inner.delete_prefix(prefix)
        except CacheUnavailable as exc:
            self._failed(exc)
            raise
        self._recovered()
        return dropped

    async def ping(self) -> None:
        """Ask the backend now; raise :class:`CacheUnavailable` when it does not answer."""
        if not await self.probe():
            raise CacheUnavailable(self._problem)

    async def probe(self) -> bool:
        """Ask the backend now, whatever the backoff, and say whether it answered (``/readyz`` does)."""
        self._probing = True
        try:
            await self.inner.ping()
        except CacheUnavailable as exc:
            self._failed(exc, probe=True)
            return False
        finally:
            self._probing = False
        self._recovered()
        return True

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def _usable(self) -> bool:
        """Whether to ask the backend: yes when healthy; when not, only once a probe answers."""
        if self._problem is None:
            return True
        if self._probing or self._clock() < self._retry_at:
            return False
        return await self.probe()

    def _failed(self, exc: CacheUnavailable, *, probe: bool = False) -> None:
        now = self._clock()
        if self._problem is None:
            self._down_since = now
            self._backoff_s = self._first_backoff_s
            _log.warning("the cache at %s does not answer: %s; answering without it", self.location, exc)
        elif probe:
            # only failed probes lengthen the wait: calls already in flight when the outage began
            # fail together, and must not push the first probe back
            self._backoff_s = min(self._backoff_s * 2, self._max_backoff_s)
        self._problem = f"the cache at {self.location} does not answer: {exc}"
        self._retry_at = now + self._backoff_s

    def _recovered(self) -> None:
        if self._problem is None:
            return
        _log.info(
            "the cache at %s answers again after %.0f s; using it",
            self.location,
            self._clock() - self._down_since,
        )
        self._problem = None
        self._backoff_s = self._first_backoff_s
