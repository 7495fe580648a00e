"""Answers shared by the engine calls of one operation.

Materializing an OPD (fetching every page of its documents) is the
engine's most expensive step; an operation that needs the same
materialization twice (two ``documents`` fields with different orders, a
``document`` look-up on an OPD without ``get_document``) pays for it once,
even when both run at the same moment. The memo lives as long as the
operation's report, and never outlives it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar, cast

__all__ = ["OperationMemo"]

V = TypeVar("V")


class _Slot:
    __slots__ = ("done", "ok", "value")

    def __init__(self) -> None:
        self.done = asyncio.Event()
        self.ok = False
        self.value: object = None


class OperationMemo:
    """Results of one operation, by key, computed once (single-flight)."""

    def __init__(self) -> None:
        self._slots: dict[Hashable, _Slot] = {}

    async def get(self, key: Hashable, fetch: Callable[[], Awaitable[V]]) -> V:
        """The value for ``key``: memoized, awaited when in flight, else ``await fetch()``.

        A fetch that fails is not memoized: its error goes to its own caller,
        and a caller that was waiting for it fetches for itself.
        """
        slot = self._slots.get(key)
        if slot is not None:
            await slot.done.wait()
            if slot.ok:
                return cast(V, slot.value)
        mine = _Slot()
        self._slots[key] = mine
        try:
            value = await fetch()
        except BaseException:
            if self._slots.get(key) is mine:
                del self._slots[key]
            raise
        else:
            mine.value = value
            mine.ok = True
        finally:
            mine.done.set()
        return value
