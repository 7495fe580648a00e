"""The cache layer: our small key-value protocol with aiocache behind it, in memory or in Redis.

The gateway opens one cache at start (:func:`open_cache`, from ``cache:`` in
the config) and hands it to whatever reuses answers. Values are bytes (the
caller serializes), keys come from :mod:`cache.keys`, and a miss is
:data:`MISSING`, so that a cached empty answer is a hit::

    from cache import MISSING, keys, open_cache

    cache = await open_cache(config.cache)
    key = keys.key("upstream", "dinkes", "documents", filter_json)
    cached = await cache.get(key)
    if cached is MISSING:
        cached = serialize(await fetch())
        await cache.set(key, cached, ttl=config.cache.ttl.documents)
    ...
    await cache.delete_prefix(keys.prefix("upstream", "dinkes"))  # the OPD changed its documents
    await cache.aclose()

The cache :func:`open_cache` returns is a :class:`ResilientCache`: while
Redis does not answer it behaves as an empty cache (and says so in
``state``), so a cache outage costs speed, never answers. Only this package
imports aiocache (its 1.0 drops ``RedisCache``).
"""

from . import keys
from .factory import open_cache
from .memory import MemoryCache
from .protocol import MISSING, Cache, CacheUnavailable, Missing
from .redis import RedisCache
from .resilient import ResilientCache

__all__ = [
    "MISSING",
    "Cache",
    "CacheUnavailable",
    "MemoryCache",
    "Missing",
    "RedisCache",
    "ResilientCache",
    "keys",
    "open_cache",
]
