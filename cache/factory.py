"""Opening the gateway's cache from its config: the backend ``cache.url`` names, made resilient."""

from __future__ import annotations

from gateway.config import CacheConfig

from .memory import MemoryCache
from .protocol import Cache
from .redis import RedisCache
from .resilient import ResilientCache

__all__ = ["open_cache"]


async def open_cache(config: CacheConfig) -> ResilientCache:
    """The cache of ``config``, already asked once whether it answers.

    ``memory://`` is a :class:`MemoryCache` of ``max_entries``; ``redis://``
    and ``rediss://`` a :class:`RedisCache` under ``key_prefix`` with the
    configured timeouts. A Redis that does not answer at start does not stop
    the gateway: one warning is logged, and the cache is used once it answers.
    Close it with ``aclose()``.
    """
    backend: Cache
    if config.url.startswith("memory://"):
        backend = MemoryCache(config.max_entries)
    else:
        backend = RedisCache(
            config.url,
            key_prefix=config.key_prefix,
            connect_timeout_s=config.connect_timeout_s,
            timeout_s=config.timeout_s,
            max_connections=config.max_connections,
        )
    cache = ResilientCache(backend)
    await cache.probe()
    return cache
