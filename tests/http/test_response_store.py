"""The store of whole answers on its own: time to live, what a damaged entry is, and clearing."""

from __future__ import annotations

from cache import MemoryCache
from gateway.response_store import ResponseStore, StoredResponse


class Clock:
    def __init__(self) -> None:
        self.now = 1_767_225_600.0

    def __call__(self) -> float:
        return self.now


async def test_an_answer_is_kept_for_what_is_left_of_its_time_to_live() -> None:
    clock = Clock()
    store = ResponseStore(MemoryCache(clock=clock), 30, clock=clock)
    made = store.make(b'{"data":{}}')
    await store.put(("n1",), made)
    clock.now += 20
    await store.put(("r1",), made)  # an alias made later expires with the answer, not 30 s after

    assert await store.get("n1") == made
    clock.now += 11
    assert await store.get("n1") is None
    assert await store.get("r1") is None


async def test_an_answer_too_old_to_keep_is_not_stored() -> None:
    clock = Clock()
    store = ResponseStore(MemoryCache(clock=clock), 30, clock=clock)
    made = store.make(b"{}")
    clock.now += 29.5
    await store.put(("n1",), made)

    assert await store.get("n1") is None


async def test_clearing_drops_every_answer_and_moves_the_epoch() -> None:
    store = ResponseStore(MemoryCache(), 30)
    await store.put(("n1", "r1"), store.make(b"{}"))
    before = await store.epoch()

    assert await store.clear() == 2
    assert await store.get("n1") is None
    assert await store.epoch() != before


def test_an_entry_round_trips_and_a_damaged_one_is_a_miss() -> None:
    stored = StoredResponse(body=b'{"data":{"a":"\\n"}}\n', stored_at=1_767_225_600.25, etag='"abc"')

    assert StoredResponse.decode(stored.encode()) == stored
    assert StoredResponse.decode(b"no header line") is None
    assert StoredResponse.decode(b'yesterday "abc"\n{}') is None
    assert stored.age(1_767_225_590.0) == 0  # another replica's clock a little behind
