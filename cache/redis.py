"""The shared cache: aiocache's ``RedisCache`` (redis-py's asyncio client), so every replica sees one cache.

What we add to aiocache, and why:

- **Bytes in, bytes out.** Values go through aiocache's ``NullSerializer``
  with no text encoding, so Redis holds exactly the bytes the caller
  serialized: no pickle (nothing in Redis can run code in the gateway), and
  a cached empty value (``b""``) comes back as itself, told apart from a miss.
- **Our key prefix.** Every key is stored as ``<key_prefix>:<key>``, so two
  deployments (or a test run) can share one Redis, and ``delete_prefix("")``
  drops exactly this deployment's entries.
- **delete_prefix with SCAN and UNLINK in batches**, never ``KEYS`` (which
  blocks Redis for the whole key space, as aiocache's own ``clear`` does).
- **Short socket timeouts** (0.5 s to connect and per command by default)
  and no retries inside redis-py, so an outage costs a request little; the
  gateway's :class:`cache.ResilientCache` then stops asking for a while.
- **Errors become** :class:`~cache.protocol.CacheUnavailable`: every Redis
  error (no answer, a timeout, a refused password, a server out of memory or
  read-only after a failover) means the same thing to a cache user, go on
  without it. The message names the server, never its password.
- **Closing with** ``aclose()``: aiocache's ``close()`` calls redis-py's
  deprecated ``close()``, which warns.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from aiocache.backends.redis import RedisCache as AiocacheRedisCache
from aiocache.serializers import NullSerializer
from redis.asyncio.connection import BlockingConnectionPool, SSLConnection, parse_url
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from .keys import DEFAULT_KEY_PREFIX, SEPARATOR
from .protocol import MISSING, Cache, CacheUnavailable, Missing, require_bytes, stores_nothing

__all__ = ["DELETE_BATCH", "RedisCache", "redis_location"]

DELETE_BATCH = 500
"""Keys asked for per SCAN step and dropped per UNLINK by :meth:`RedisCache.delete_prefix`."""

_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")
_T = TypeVar("_T")

# Options aiocache sets itself from its own arguments; a URL must not set them a second time.
_SET_BY_AIOCACHE = ("host", "port", "db", "password", "socket_connect_timeout", "max_connections")


def redis_location(url: str) -> str:
    """``url`` as it may be logged: scheme, user, host, port and database, never the password."""
    options = parse_url(url)
    scheme = "rediss" if options.get("connection_class") is SSLConnection else "redis"
    user = f"{options['username']}@" if options.get("username") else ""
    host = options.get("host", "localhost")
    return f"{scheme}://{user}{host}:{options.get('port', 6379)}/{options.get('db', 0)}"


class RedisCache(Cache):
    """Entries in the Redis at ``url`` (``redis://`` or ``rediss://``), each key under ``key_prefix``.

    ``connect_timeout_s`` bounds opening a connection and ``timeout_s`` each
    command's answer; at most ``max_connections`` are open at once, and a call
    that finds none free waits for one (at most both timeouts together).
    Nothing connects until the first call. Close it with :meth:`aclose`.
    """

    def __init__(
        self,
        url: str,
        *,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        connect_timeout_s: float = 0.5,
        timeout_s: float = 0.5,
        max_connections: int = 64,
    ) -> None:
        if not key_prefix or SEPARATOR in key_prefix:
            raise ValueError(f"key_prefix must be a non-empty word without {SEPARATOR!r}, got {key_prefix!r}")
        options: dict[str, Any] = dict(parse_url(url))
        self._location = redis_location(url)
        self._password: str | None = options.get("password")
        settings = {name: options.pop(name, None) for name in _SET_BY_AIOCACHE}
        options.pop("decode_responses", None)  # values are bytes: never decoded
        options["socket_timeout"] = timeout_s
        # a failure is final here: ResilientCache decides when to ask again
        options["retry"] = Retry(NoBackoff(), 0)
        self._prefix = key_prefix + SEPARATOR
        self._aiocache = AiocacheRedisCache(
            serializer=NullSerializer(encoding=None),
            endpoint=settings["host"] or "localhost",
            port=settings["port"] or 6379,
            db=settings["db"] or 0,
            password=settings["password"],
            create_connection_timeout=connect_timeout_s,
            # One documents query reads ~43 keys at once and a busy replica runs several queries:
            # a plain pool refuses the connection past its size (MaxConnectionsError, which would
            # read as an outage); a blocking one makes the read wait for a free connection instead.
            connection_pool_class=BlockingConnectionPool,
            pool_max_size=max_connections,
            connection_pool_kwargs={**options, "timeout": connect_timeout_s + timeout_s},
            # the socket timeouts bound every call; aiocache's extra asyncio timeout would only
            # cancel redis-py mid-command
            timeout=None,
        )
        self._client = self._aiocache.client

    @property
    def location(self) -> str:
        return self._location

    @property
    def key_prefix(self) -> str:
        """The deployment's prefix, as configured (stored keys start with it and ``:``)."""
        return self._prefix.removesuffix(SEPARATOR)

    async def get(self, key: str) -> bytes | Missing:
        async with self._answering():
            value = await self._aiocache.get(self._prefix + key)
        return value if isinstance(value, bytes) else MISSING

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        require_bytes(value)
        if stores_nothing(ttl):
            await self.delete(key)
            return
        # a float TTL is sent in milliseconds (PSETEX); Redis refuses 0 ms
        seconds = None if ttl is None else max(float(ttl), 0.001)
        async with self._answering():
            await self._aiocache.set(self._prefix + key, value, ttl=seconds)

    async def delete(self, key: str) -> bool:
        async with self._answering():
            dropped = await self._aiocache.delete(self._prefix + key)
        return bool(dropped)

    async def delete_prefix(self, prefix: str) -> int:
        pattern = _GLOB_SPECIAL.sub(r"\\\1", self._prefix + prefix) + "*"
        dropped = 0
        async with self._answering():
            batch: list[bytes] = []
            async for key in self._client.scan_iter(match=pattern, count=DELETE_BATCH):
                batch.append(key)
                if len(batch) >= DELETE_BATCH:
                    dropped += await self._unlink(batch)
                    batch = []
            if batch:
                dropped += await self._unlink(batch)
        return dropped

    async def ping(self) -> None:
        async with self._answering():
            await self._call(self._client.ping())

    async def aclose(self) -> None:
        # closes the pool too (aiocache set auto_close_connection_pool on the client)
        await self._client.aclose()

    async def _unlink(self, keys: list[bytes]) -> int:
        return await self._call(self._client.unlink(*keys))

    @staticmethod
    async def _call(answer: Awaitable[_T]) -> _T:
        # redis-py's asyncio commands are typed as "awaitable or value" for its sync twin's sake
        return await answer

    @asynccontextmanager
    async def _answering(self) -> AsyncIterator[None]:
        try:
            yield
        except (RedisError, OSError, TimeoutError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            if self._password:
                detail = detail.replace(self._password, "***")
            raise CacheUnavailable(detail) from exc
