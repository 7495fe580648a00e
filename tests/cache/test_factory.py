"""Opening the cache from ``cache:`` in the config, and what the config accepts."""

from __future__ import annotations

import logging

import pytest
import yaml

from cache import MISSING, MemoryCache, RedisCache, ResilientCache, open_cache
from gateway.config import CacheConfig, ConfigError, parse_config

from ..conftest import TestRedis
from .conftest import free_port


async def test_memory_is_the_default_and_is_bounded_by_max_entries() -> None:
    cache = await open_cache(CacheConfig(max_entries=2))
    assert isinstance(cache, ResilientCache)
    assert isinstance(cache.inner, MemoryCache)
    for name in ("a", "b", "c"):
        await cache.set(name, b"v")
    assert await cache.get("a") is MISSING
    assert await cache.inner.entry_count() == 2
    assert cache.state == "ok"
    await cache.aclose()


async def test_a_redis_url_opens_redis_under_the_key_prefix(test_redis: TestRedis) -> None:
    config = CacheConfig(url=test_redis.url, key_prefix=f"{test_redis.key_prefix}-factory")
    cache = await open_cache(config)
    assert isinstance(cache.inner, RedisCache)
    assert cache.inner.key_prefix == f"{test_redis.key_prefix}-factory"
    await cache.set("k", b"v")
    assert await cache.get("k") == b"v"
    assert await cache.delete_prefix("") == 1
    assert cache.state == "ok"
    await cache.aclose()


async def test_a_redis_that_does_not_answer_at_start_is_reported_at_start_not_fatal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="ppid_gateway.cache")
    cache = await open_cache(CacheConfig(url=f"redis://127.0.0.1:{free_port()}/0"))
    assert cache.state.startswith("degraded: the cache at redis://127.0.0.1:")
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert await cache.get("k") is MISSING
    await cache.aclose()


def test_the_cache_config_has_its_defaults() -> None:
    config = CacheConfig()
    assert (config.url, config.key_prefix, config.connect_timeout_s, config.timeout_s) == (
        "memory://",
        "ppid",
        0.5,
        0.5,
    )


@pytest.mark.parametrize(
    "url",
    ["redis://:s3cret@cache.internal:6379/0", "rediss://cache.internal:6380/1", "redis://localhost"],
)
def test_redis_urls_are_accepted(url: str) -> None:
    assert CacheConfig(url=url).url == url


@pytest.mark.parametrize(
    "url",
    ["memcached://:s3cret@cache.internal", "redis://:s3cret@cache.internal:port/0", "memory://x", "s3cret"],
)
def test_a_wrong_url_is_refused_without_repeating_it(url: str) -> None:
    text = yaml.safe_dump(
        {
            "ppid_utama": "dpk",
            "cache": {"url": url},
            "opds": [{"slug": "dpk", "name": "DPK", "short_name": "DPK", "connector": {"kind": "files"}}],
        }
    )
    with pytest.raises(ConfigError) as raised:
        parse_config(text, source="gateway.yaml")
    message = str(raised.value)
    assert "cache.url: expected memory:// or redis://" in message
    assert "s3cret" not in message


@pytest.mark.parametrize("key_prefix", ["", "a:b", "ppid test", "-ppid"])
def test_a_key_prefix_is_one_plain_word(key_prefix: str) -> None:
    with pytest.raises(ValueError, match="key_prefix"):
        CacheConfig(key_prefix=key_prefix)
