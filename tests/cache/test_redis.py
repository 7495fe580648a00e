"""The Redis backend: its keys, its raw values, its errors and its manners (no KEYS, no warnings)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio as aioredis

from cache import MISSING, CacheUnavailable, RedisCache, keys
from cache.redis import redis_location

from ..conftest import TestRedis
from .conftest import free_port


@pytest.fixture
async def raw(test_redis: TestRedis) -> AsyncIterator[aioredis.Redis]:
    """A plain redis-py client on the test Redis, to look at what the backend stored."""
    client = aioredis.Redis.from_url(test_redis.url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def prefix(test_redis: TestRedis) -> AsyncIterator[str]:
    """A deployment prefix of this test's own."""
    name = f"{test_redis.key_prefix}-{secrets.token_hex(4)}"
    yield name
    cache = RedisCache(test_redis.url, key_prefix=name)
    await cache.delete_prefix("")
    await cache.aclose()


async def test_entries_are_stored_under_the_deployment_prefix_as_raw_bytes(
    test_redis: TestRedis, raw: aioredis.Redis, prefix: str
) -> None:
    cache = RedisCache(test_redis.url, key_prefix=prefix)
    await cache.set(keys.key("upstream", "dinkes", "profile"), b'{"name": "Dinkes"}', ttl=60)
    stored = f"{prefix}:{keys.FORMAT_VERSION}:upstream:dinkes:profile"
    assert await raw.get(stored) == b'{"name": "Dinkes"}'  # not pickled, not JSON-quoted
    assert 0 < await raw.pttl(stored) <= 60_000
    await cache.aclose()


async def test_two_deployments_sharing_a_redis_do_not_see_or_purge_each_other(
    test_redis: TestRedis, prefix: str
) -> None:
    ours = RedisCache(test_redis.url, key_prefix=prefix)
    theirs = RedisCache(test_redis.url, key_prefix=prefix + "2")
    try:
        await ours.set(keys.key("upstream", "dpk"), b"ours")
        await theirs.set(keys.key("upstream", "dpk"), b"theirs")
        assert await ours.get(keys.key("upstream", "dpk")) == b"ours"
        assert await ours.delete_prefix("") == 1
        assert await theirs.get(keys.key("upstream", "dpk")) == b"theirs"
    finally:
        await theirs.delete_prefix("")
        await ours.aclose()
        await theirs.aclose()


async def test_a_value_set_by_another_replica_is_read_by_this_one(test_redis: TestRedis, prefix: str) -> None:
    one = RedisCache(test_redis.url, key_prefix=prefix)
    other = RedisCache(test_redis.url, key_prefix=prefix)
    await one.set(keys.key("response", "q1"), b"")
    assert await other.get(keys.key("response", "q1")) == b""
    await one.aclose()
    await other.aclose()


async def test_a_server_that_does_not_answer_raises_cache_unavailable_without_the_password() -> None:
    cache = RedisCache(f"redis://:hunter2-secret@127.0.0.1:{free_port()}/0", key_prefix="ppid")
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: cache.get("k"),
        lambda: cache.set("k", b"v"),
        lambda: cache.delete("k"),
        lambda: cache.delete_prefix(""),
        cache.ping,
    ]
    for call in calls:
        with pytest.raises(CacheUnavailable) as raised:
            await call()
        assert "hunter2" not in str(raised.value)
        assert "ConnectionError" in str(raised.value)
    await cache.aclose()


async def test_a_wrong_password_is_cache_unavailable(test_redis: TestRedis) -> None:
    url = test_redis.url.replace("redis://", "redis://nobody-here:wrong-secret@", 1)
    cache = RedisCache(url, key_prefix="ppid")
    with pytest.raises(CacheUnavailable) as raised:
        await cache.get("k")
    assert "wrong-secret" not in str(raised.value)
    await cache.aclose()


async def test_a_missing_key_is_missing(test_redis: TestRedis, prefix: str) -> None:
    cache = RedisCache(test_redis.url, key_prefix=prefix)
    assert await cache.get(keys.key("upstream", "nothing")) is MISSING
    await cache.aclose()


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("redis://:s3cret@cache.internal:6380/2", "redis://cache.internal:6380/2"),
        ("redis://ppid:s3cret@cache.internal", "redis://ppid@cache.internal:6379/0"),
        ("rediss://:s3cret@cache.internal:6390/0", "rediss://cache.internal:6390/0"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_the_location_names_the_server_but_never_the_password(url: str, location: str) -> None:
    assert redis_location(url) == location


@pytest.mark.parametrize("key_prefix", ["", "a:b"])
def test_a_key_prefix_is_a_word_without_the_separator(key_prefix: str) -> None:
    with pytest.raises(ValueError, match="key_prefix"):
        RedisCache("redis://127.0.0.1:6379/0", key_prefix=key_prefix)


async def test_more_concurrent_calls_than_connections_wait_for_one_instead_of_failing(
    test_redis: TestRedis, prefix: str
) -> None:
    """One documents query reads ~43 keys at once; several queries must not read as an outage."""
    cache = RedisCache(test_redis.url, key_prefix=prefix, max_connections=4)
    try:
        await cache.set("k", b"v", ttl=30)
        answers = await asyncio.gather(*(cache.get("k") for _ in range(300)), return_exceptions=True)
        assert [answer for answer in answers if answer != b"v"] == []
    finally:
        await cache.delete_prefix("")
        await cache.aclose()
