"""The gateway goes on without its cache while the cache does not answer, says so once, and comes back."""

from __future__ import annotations

import logging

import pytest

from cache import MISSING, Cache, CacheUnavailable, MemoryCache, Missing, RedisCache, ResilientCache, keys

from .conftest import FakeClock, PrivateRedis, free_port

LOGGER = "ppid_gateway.cache"


class SwitchableCache(Cache):
    """A memory cache that can be made to not answer, counting the calls that reached it."""

    def __init__(self) -> None:
        self.memory = MemoryCache(max_entries=100)
        self.down = False
        self.calls = 0

    @property
    def location(self) -> str:
        return "redis://cache.test:6379/0"

    def _answer(self) -> None:
        self.calls += 1
        if self.down:
            raise CacheUnavailable("ConnectionError: Error 111 connecting to cache.test:6379")

    async def get(self, key: str) -> bytes | Missing:
        self._answer()
        return await self.memory.get(key)

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        self._answer()
        await self.memory.set(key, value, ttl=ttl)

    async def delete(self, key: str) -> bool:
        self._answer()
        return await self.memory.delete(key)

    async def delete_prefix(self, prefix: str) -> int:
        self._answer()
        return await self.memory.delete_prefix(prefix)

    async def ping(self) -> None:
        self._answer()


def warnings_and_infos(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == LOGGER]


async def test_while_the_backend_is_down_reads_miss_and_writes_do_nothing(clock: FakeClock) -> None:
    inner = SwitchableCache()
    cache = ResilientCache(inner, clock=clock)
    await cache.set("k", b"v")
    inner.down = True

    assert await cache.get("k") is MISSING
    await cache.set("k", b"other")
    assert await cache.delete("k") is False

    inner.down = False
    clock.advance(1)
    assert await cache.get("k") == b"v"


async def test_an_outage_is_logged_once_and_the_recovery_once(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    inner = SwitchableCache()
    cache = ResilientCache(inner, clock=clock)
    inner.down = True
    for _ in range(3):
        for _ in range(5):
            assert await cache.get("k") is MISSING
        clock.advance(60)

    inner.down = False
    await cache.set("k", b"v")
    await cache.set("k", b"v")

    assert warnings_and_infos(caplog) == [
        (
            logging.WARNING,
            "the cache at redis://cache.test:6379/0 does not answer: "
            "ConnectionError: Error 111 connecting to cache.test:6379; answering without it",
        ),
        (logging.INFO, "the cache at redis://cache.test:6379/0 answers again after 180 s; using it"),
    ]


async def test_a_down_backend_is_not_asked_again_until_its_backoff_has_passed(clock: FakeClock) -> None:
    inner = SwitchableCache()
    cache = ResilientCache(inner, backoff_s=1, max_backoff_s=30, clock=clock)
    inner.down = True
    await cache.get("k")
    assert inner.calls == 1

    for _ in range(100):
        await cache.get("k")
        await cache.set("k", b"v")
    assert inner.calls == 1

    clock.advance(1)
    await cache.get("k")  # one probe, which fails: the next wait is 2 s
    assert inner.calls == 2
    clock.advance(1.5)
    await cache.get("k")
    assert inner.calls == 2
    clock.advance(0.5)
    await cache.get("k")
    assert inner.calls == 3


async def test_the_backoff_doubles_with_each_failed_probe_up_to_its_ceiling(clock: FakeClock) -> None:
    inner = SwitchableCache()
    cache = ResilientCache(inner, backoff_s=1, max_backoff_s=30, clock=clock)
    inner.down = True
    await cache.get("k")
    waits = []
    for _ in range(8):
        calls, waited = inner.calls, 0.0
        while inner.calls == calls:
            clock.advance(0.5)
            waited += 0.5
            await cache.get("k")
        waits.append(waited)
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]


async def test_calls_in_flight_when_the_outage_starts_do_not_push_the_first_probe_back(
    clock: FakeClock,
) -> None:
    inner = SwitchableCache()
    cache = ResilientCache(inner, backoff_s=1, max_backoff_s=30, clock=clock)
    inner.down = True
    await cache.get("k")
    # another request's call had already passed the health check: its failure arrives now
    with pytest.raises(CacheUnavailable):
        await cache.delete_prefix("x")
    clock.advance(1)
    inner.down = False
    assert await cache.get("k") is MISSING
    assert cache.healthy


async def test_state_says_why_it_is_degraded_and_a_probe_restores_it(clock: FakeClock) -> None:
    inner = SwitchableCache()
    cache = ResilientCache(inner, clock=clock)
    assert (cache.healthy, cache.state) == (True, "ok")
    inner.down = True

    assert await cache.probe() is False
    assert cache.healthy is False
    assert cache.state == (
        "degraded: the cache at redis://cache.test:6379/0 does not answer: "
        "ConnectionError: Error 111 connecting to cache.test:6379"
    )
    with pytest.raises(CacheUnavailable, match="does not answer"):
        await cache.ping()

    inner.down = False
    assert await cache.probe() is True  # asked now, whatever the backoff
    assert (cache.healthy, cache.state) == (True, "ok")


async def test_a_purge_that_cannot_reach_the_backend_raises_so_it_can_be_retried(clock: FakeClock) -> None:
    inner = SwitchableCache()
    cache = ResilientCache(inner, clock=clock)
    await cache.set(keys.key("upstream", "dinkes", "profile"), b"old")
    inner.down = True
    with pytest.raises(CacheUnavailable):
        await cache.delete_prefix(keys.prefix("upstream", "dinkes"))
    assert not cache.healthy

    inner.down = False  # a purge is always attempted, backoff or not, and proves the backend is back
    assert await cache.delete_prefix(keys.prefix("upstream", "dinkes")) == 1
    assert cache.healthy


async def test_a_closed_port_degrades_to_no_cache_without_logging_the_password(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    port = free_port()
    cache = ResilientCache(RedisCache(f"redis://:hunter2-secret@127.0.0.1:{port}/0"), clock=clock)
    await cache.set("k", b"v")
    assert await cache.get("k") is MISSING
    [(level, message)] = warnings_and_infos(caplog)
    assert level == logging.WARNING
    assert message.startswith(f"the cache at redis://127.0.0.1:{port}/0 does not answer: ConnectionError")
    assert message.endswith("; answering without it")
    assert "hunter2" not in message and "hunter2" not in cache.state
    await cache.aclose()


async def test_a_redis_that_stops_and_restarts_is_used_again_without_a_restart_of_the_gateway(
    private_redis: PrivateRedis, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    cache = ResilientCache(RedisCache(private_redis.url, key_prefix="ppid"), clock=clock)
    try:
        await cache.set(keys.key("upstream", "dpk", "profile"), b"before")
        assert await cache.get(keys.key("upstream", "dpk", "profile")) == b"before"

        await private_redis.stop()
        assert await cache.get(keys.key("upstream", "dpk", "profile")) is MISSING
        await cache.set(keys.key("upstream", "dpk", "profile"), b"during")
        assert await cache.get(keys.key("upstream", "dpk", "profile")) is MISSING
        assert not cache.healthy
        assert [level for level, _ in warnings_and_infos(caplog)] == [logging.WARNING]

        await private_redis.start()  # same port, empty: it kept nothing on disk
        clock.advance(1)
        assert await cache.get(keys.key("upstream", "dpk", "profile")) is MISSING  # probed, then asked
        assert cache.healthy
        await cache.set(keys.key("upstream", "dpk", "profile"), b"after")
        assert await cache.get(keys.key("upstream", "dpk", "profile")) == b"after"
        assert [level for level, _ in warnings_and_infos(caplog)] == [logging.WARNING, logging.INFO]
    finally:
        await cache.aclose()
