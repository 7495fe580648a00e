"""Whole HTTP answers to anonymous queries, in the shared cache, and how they are all dropped at once.

The schema's HTTP view decides what may be stored and under which digest
(:mod:`schema.response_cache`); this module only keeps the bytes, in the
``response`` namespace of the cache that every replica shares, so that a
query answered by one replica is a hit on the others.

An answer is stored with the moment it was made and its ``ETag``, so that a
hit can say its ``Age`` and answer ``If-None-Match`` without hashing the body
again. The stored form is one line of text, ``<unix seconds> <etag>``, then
the body: a hit splits it once, with no JSON to decode.

Invalidation (:meth:`ResponseStore.clear`) cannot name the answers of one
OPD (an answer may span every OPD), so it drops the whole namespace. An
operation that was already running when the cache was cleared would then
store an answer made from the old upstream data; to prevent that, a
clear also changes an *epoch* token (kept outside the namespace), and an
answer is stored only if the epoch is the same after the execution as
before it (:meth:`ResponseStore.epoch`), on whichever replica the clear ran.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from cache.keys import key, prefix
from cache.protocol import MISSING, Cache

__all__ = ["NAMESPACE", "ResponseStore", "StoredResponse", "etag_of"]

NAMESPACE = "response"
_EPOCH_KEY = key("response-epoch", "current")


def etag_of(body: bytes) -> str:
    """A strong ``ETag`` for ``body``: a quoted digest of its bytes (the JSON before any gzip)."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """One stored answer: the JSON body as sent, when it was made, and its ``ETag``."""

    body: bytes
    stored_at: float
    """Unix seconds (wall clock: replicas compare it, so not a monotonic clock)."""
    etag: str

    def encode(self) -> bytes:
        """The bytes kept in the cache."""
        return b"%.3f %s\n" % (self.stored_at, self.etag.encode("ascii")) + self.body

    @classmethod
    def decode(cls, value: bytes) -> StoredResponse | None:
        """The answer ``value`` holds, or ``None`` when it is not one (a damaged entry is a miss)."""
        head, newline, body = value.partition(b"\n")
        stamp, space, etag = head.partition(b" ")
        if not newline or not space:
            return None
        try:
            stored_at = float(stamp)
        except ValueError:
            return None
        return cls(body=body, stored_at=stored_at, etag=etag.decode("ascii", "replace"))

    def age(self, now: float) -> int:
        """Whole seconds since the answer was made (``Age``), never negative across replicas' clocks."""
        return max(0, int(now - self.stored_at))


class ResponseStore:
    """Whole answers under digests the caller makes, each kept at most ``ttl_s`` seconds.

    ``clock`` gives wall-clock seconds (``time.time``); tests move it.
    """

    def __init__(self, cache: Cache, ttl_s: float, *, clock: Callable[[], float] = time.time) -> None:
        self.cache = cache
        self.ttl_s = ttl_s
        self._clock = clock

    @property
    def enabled(self) -> bool:
        """Whether answers are kept at all (``cache.response_ttl_s`` above 0)."""
        return self.ttl_s > 0

    def now(self) -> float:
        """The store's clock, for ``Age``."""
        return self._clock()

    async def get(self, digest: str) -> StoredResponse | None:
        """The answer stored under ``digest``, or ``None``."""
        value = await self.cache.get(key(NAMESPACE, digest))
        if value is MISSING:
            return None
        return StoredResponse.decode(value)

    def make(self, body: bytes) -> StoredResponse:
        """``body`` as an answer made now, ready to :meth:`put` and to send."""
        return StoredResponse(body=body, stored_at=self._clock(), etag=etag_of(body))

    async def put(self, digests: tuple[str, ...], stored: StoredResponse) -> None:
        """Keep ``stored`` under each of ``digests`` for what is left of its time to live."""
        remaining = self.ttl_s - (self._clock() - stored.stored_at)
        if remaining < 1:
            return
        value = stored.encode()
        for digest in digests:
            await self.cache.set(key(NAMESPACE, digest), value, ttl=remaining)

    async def epoch(self) -> bytes | None:
        """The current epoch token (``None`` before the first clear); see the module's docstring."""
        value = await self.cache.get(_EPOCH_KEY)
        return None if value is MISSING else value

    async def clear(self) -> int:
        """Drop every stored answer, on every replica that shares the cache; how many were dropped."""
        await self.cache.set(_EPOCH_KEY, secrets.token_bytes(8))
        return await self.cache.delete_prefix(prefix(NAMESPACE))
