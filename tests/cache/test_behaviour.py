"""What every backend promises (memory always, Redis when configured): the protocol's behaviour."""

from __future__ import annotations

import asyncio

import pytest

from cache import MISSING, Cache, keys
from cache.redis import DELETE_BATCH


async def eventually_missing(cache: Cache, key: str) -> bool:
    """Whether ``key`` is gone within a generous bound (polling, so no test depends on timing)."""
    for _ in range(1_000):
        if await cache.get(key) is MISSING:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_key_never_set_is_missing(backend: Cache) -> None:
    assert await backend.get(keys.key("test", "never-set")) is MISSING


async def test_a_cached_empty_value_is_a_hit_not_a_miss(backend: Cache) -> None:
    await backend.set(keys.key("test", "empty"), b"")
    assert await backend.get(keys.key("test", "empty")) == b""


async def test_values_come_back_byte_for_byte(backend: Cache) -> None:
    value = bytes(range(256)) + "dokumen ß ✓".encode()
    await backend.set(keys.key("test", "binary"), value)
    assert await backend.get(keys.key("test", "binary")) == value


async def test_setting_again_replaces_the_value(backend: Cache) -> None:
    await backend.set(keys.key("test", "k"), b"first")
    await backend.set(keys.key("test", "k"), b"second")
    assert await backend.get(keys.key("test", "k")) == b"second"


async def test_an_entry_expires_after_its_ttl_and_others_stay(backend: Cache) -> None:
    await backend.set(keys.key("test", "short"), b"v", ttl=0.05)
    await backend.set(keys.key("test", "long"), b"v", ttl=3600)
    await backend.set(keys.key("test", "forever"), b"v")
    assert await eventually_missing(backend, keys.key("test", "short"))
    assert await backend.get(keys.key("test", "long")) == b"v"
    assert await backend.get(keys.key("test", "forever")) == b"v"


async def test_a_ttl_of_zero_stores_nothing_and_drops_the_older_value(backend: Cache) -> None:
    await backend.set(keys.key("test", "k"), b"old")
    await backend.set(keys.key("test", "k"), b"new", ttl=0)
    assert await backend.get(keys.key("test", "k")) is MISSING


async def test_only_bytes_are_stored(backend: Cache) -> None:
    with pytest.raises(TypeError, match="bytes"):
        await backend.set(keys.key("test", "k"), "text")  # type: ignore[arg-type]
    assert await backend.get(keys.key("test", "k")) is MISSING


async def test_delete_drops_the_key_and_says_whether_it_was_there(backend: Cache) -> None:
    await backend.set(keys.key("test", "k"), b"v")
    await backend.set(keys.key("test", "other"), b"v")
    assert await backend.delete(keys.key("test", "k")) is True
    assert await backend.get(keys.key("test", "k")) is MISSING
    assert await backend.delete(keys.key("test", "k")) is False
    assert await backend.get(keys.key("test", "other")) == b"v"


async def test_delete_prefix_drops_that_prefix_only(backend: Cache) -> None:
    for slug in ("dinkes", "dinkes-2", "dpk"):
        for operation in ("documents", "profile"):
            await backend.set(keys.key("upstream", slug, operation), slug.encode())
    await backend.set(keys.key("response", "dinkes"), b"not an upstream entry")

    assert await backend.delete_prefix(keys.prefix("upstream", "dinkes")) == 2

    assert await backend.get(keys.key("upstream", "dinkes", "documents")) is MISSING
    assert await backend.get(keys.key("upstream", "dinkes", "profile")) is MISSING
    assert await backend.get(keys.key("upstream", "dinkes-2", "documents")) == b"dinkes-2"
    assert await backend.get(keys.key("upstream", "dpk", "profile")) == b"dpk"
    assert await backend.get(keys.key("response", "dinkes")) == b"not an upstream entry"
    assert await backend.delete_prefix(keys.prefix("upstream", "dinkes")) == 0


async def test_delete_prefix_drops_more_keys_than_one_batch(backend: Cache) -> None:
    count = DELETE_BATCH * 2 + 7
    for i in range(count):
        await backend.set(keys.key("upstream", "dpk", "documents", i), b"page")
    await backend.set(keys.key("upstream", "dinkes", "documents", 0), b"page")

    assert await backend.delete_prefix(keys.prefix("upstream", "dpk")) == count

    assert await backend.get(keys.key("upstream", "dpk", "documents", count - 1)) is MISSING
    assert await backend.get(keys.key("upstream", "dinkes", "documents", 0)) == b"page"


async def test_keys_with_digested_parts_are_stored_and_dropped_by_their_prefix(backend: Cache) -> None:
    filter_json = '{"query": "anggaran 2024", "category": ["BERKALA", "SERTA_MERTA"]}'
    await backend.set(keys.key("upstream", "dinkes", "documents", filter_json), b"page 1")
    assert await backend.get(keys.key("upstream", "dinkes", "documents", filter_json)) == b"page 1"
    assert await backend.delete_prefix(keys.prefix("upstream", "dinkes", "documents")) == 1


async def test_a_key_with_glob_characters_is_matched_literally_by_delete_prefix(backend: Cache) -> None:
    await backend.set("raw:[a]*?:1", b"v")
    await backend.set("raw:a", b"v")
    assert await backend.delete_prefix("raw:[a]*?:") == 1
    assert await backend.get("raw:a") == b"v"


async def test_a_working_backend_answers_ping(backend: Cache) -> None:
    await backend.ping()
