"""Fixtures of the cache's tests: each backend behind the protocol, a fake clock, a private Redis.

``backend`` is every backend in turn: memory always, Redis when
``PPID_TEST_REDIS_URL`` is set (the shared ``test_redis`` fixture skips or
fails otherwise). Each Redis test works under a key prefix of its own inside
the run's prefix and drops its keys at the end.

``private_redis`` is a ``redis-server`` of this test's own, on a free port, for
the tests that stop it: the shared Redis is never stopped.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis
import redis.asyncio as aioredis

from cache import Cache, MemoryCache, RedisCache

from ..conftest import TestRedis


class FakeClock:
    """A monotonic clock that moves only when told."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def redis_cache(test_redis: TestRedis, **options: float) -> RedisCache:
    """A Redis cache under a prefix of its own within this run's, so tests never see each other's keys."""
    return RedisCache(test_redis.url, key_prefix=f"{test_redis.key_prefix}-{secrets.token_hex(4)}", **options)


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    """An empty cache of each backend, emptied and closed after the test."""
    cache: Cache
    if request.param == "memory":
        cache = MemoryCache(max_entries=10_000)
    else:
        cache = redis_cache(request.getfixturevalue("test_redis"))
    try:
        yield cache
    finally:
        await cache.delete_prefix("")
        await cache.aclose()


def free_port() -> int:
    """A TCP port nothing listens on now (the kernel's pick for port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class PrivateRedis:
    """A ``redis-server`` of one test's own on a fixed free port, which the test may stop and start."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = directory
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the server (in memory only: nothing saved) and return once it answers PING."""
        self._process = await asyncio.create_subprocess_exec(
            *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
            cwd=self._directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await self._until_it_answers()

    async def stop(self) -> None:
        """Kill the server (no shutdown courtesy: an outage) and wait until it is gone."""
        if self._process is not None:
            self._process.kill()
            await self._process.wait()
            self._process = None

    async def _until_it_answers(self) -> None:
        client = aioredis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)
        try:
            for _ in range(1_000):
                assert self._process is not None and self._process.returncode is None, "redis-server exited"
                try:
                    await client.ping()
                    return
                except redis.ConnectionError:
                    await asyncio.sleep(0.02)
            raise AssertionError(f"redis-server on port {self.port} did not answer PING")
        finally:
            await client.aclose()


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    """A started private Redis, stopped at the end whatever happened; skips without ``redis-server``."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: the stop-and-restart test needs a Redis of its own")
    server = PrivateRedis(tmp_path)
    try:
        await server.start()
        yield server
    finally:
        await server.stop()
