"""The in-memory backend stays bounded: least recently used entries are evicted, and freed."""

from __future__ import annotations

import pytest

from cache import MISSING, MemoryCache

from .conftest import FakeClock


async def test_the_least_recently_used_entry_is_evicted_first() -> None:
    cache = MemoryCache(max_entries=3)
    for name in ("a", "b", "c"):
        await cache.set(name, name.encode())
    assert await cache.get("a") == b"a"  # "a" is now the most recently used; "b" the least

    await cache.set("d", b"d")

    assert await cache.get("b") is MISSING
    assert [await cache.get(name) for name in ("a", "c", "d")] == [b"a", b"c", b"d"]
    await cache.set("e", b"e")  # the gets above left "a" least recently used
    assert await cache.get("a") is MISSING


async def test_setting_an_entry_again_makes_it_recently_used() -> None:
    cache = MemoryCache(max_entries=2)
    await cache.set("a", b"1")
    await cache.set("b", b"1")
    await cache.set("a", b"2")
    await cache.set("c", b"1")
    assert await cache.get("b") is MISSING
    assert await cache.get("a") == b"2"


async def test_memory_stays_bounded_under_churn_of_distinct_keys() -> None:
    cache = MemoryCache(max_entries=100)
    for i in range(1_000):
        await cache.set(f"upstream:dpk:documents:{i}", b"x" * 100, ttl=None if i % 2 else 3600)
        assert await cache.entry_count() <= 100
    assert await cache.entry_count() == 100
    assert await cache.get("upstream:dpk:documents:999") == b"x" * 100
    assert await cache.get("upstream:dpk:documents:899") is MISSING


async def test_an_expired_entry_is_missing_once_its_time_has_passed(clock: FakeClock) -> None:
    cache = MemoryCache(max_entries=10, clock=clock)
    await cache.set("k", b"v", ttl=60)
    clock.advance(59.9)
    assert await cache.get("k") == b"v"
    clock.advance(0.1)
    assert await cache.get("k") is MISSING
    assert await cache.delete("k") is False
    assert await cache.entry_count() == 0


async def test_an_expired_entry_does_not_count_as_deleted(clock: FakeClock) -> None:
    cache = MemoryCache(max_entries=10, clock=clock)
    await cache.set("upstream:a", b"v", ttl=10)
    await cache.set("upstream:b", b"v", ttl=100)
    clock.advance(50)
    assert await cache.delete_prefix("upstream:") == 1
    assert await cache.entry_count() == 0


async def test_closing_frees_every_entry() -> None:
    cache = MemoryCache(max_entries=10)
    await cache.set("k", b"v")
    await cache.aclose()
    assert await cache.entry_count() == 0


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryCache(max_entries=0)


def test_the_location_says_it_is_this_process_only() -> None:
    assert MemoryCache(max_entries=5).location == "memory (this process, at most 5 entries)"
