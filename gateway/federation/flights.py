"""Single-flight: one piece of upstream work per key at a time, owned by the engine, not by a request.

Identical upstream reads wanted at the same moment — twice in one operation
or by a hundred concurrent requests — are made once: the first caller starts
a :class:`Flight`, the others wait for its landing. A flight runs as a task
of its own, so a caller that gives up (its operation's deadline, a client
that went away) never cancels the work the others are waiting for; that
work stays bounded by what it does itself (the per-OPD timeout and circuit
breaker of its calls, a deadline of its own). The engine cancels every
flight when it closes; their waiters then get the ``aborted`` landing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["Flight", "Flights"]

R = TypeVar("R")

logger = logging.getLogger("ppid_gateway.federation")


class Flight(Generic[R]):
    """One running piece of work: its key, its OPD, and the landing every waiter gets."""

    def __init__(self, key: str, opd: str) -> None:
        self.key = key
        self.opd = opd
        self.landing: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        # A landing that failed with nobody waiting must not be reported as "never retrieved".
        self.landing.add_done_callback(lambda done: done.cancelled() or done.exception())
        self.waiters = 0
        """How many callers waited for the landing so far."""
        self.detached = False
        """Set when the flight's OPD was invalidated while it ran: its answer may predate the change,
        so it goes to the callers already waiting and is not kept for anyone else."""

    def land(self, result: R) -> None:
        """Give ``result`` to every waiter, present and future."""
        if not self.landing.done():
            self.landing.set_result(result)

    async def wait(self) -> R:
        """The landing; a caller cancelled while waiting leaves the flight running."""
        self.waiters += 1
        return await asyncio.shield(self.landing)


class Flights(Generic[R]):
    """The flights in progress, at most one per key.

    ``aborted(flight)`` is the landing waiters get when a flight is
    cancelled before it landed, and when one is asked for once the engine
    is closing (no new work starts then).
    """

    def __init__(self, aborted: Callable[[Flight[R]], R]) -> None:
        self._aborted = aborted
        self._running: dict[str, Flight[R]] = {}
        self._tasks: dict[asyncio.Task[None], Flight[R]] = {}
        self._closed = False

    def __len__(self) -> int:
        return len(self._tasks)

    def get(self, key: str) -> Flight[R] | None:
        """The flight of ``key`` in progress, if any."""
        return self._running.get(key)

    def start(self, key: str, opd: str, body: Callable[[Flight[R]], Awaitable[None]]) -> Flight[R]:
        """Start ``body(flight)`` as the flight of ``key``; it must :meth:`Flight.land` it.

        The flight stays joinable until ``body`` returns, so work it does
        after landing (storing the answer) is not raced by a second flight.
        """
        flight: Flight[R] = Flight(key, opd)
        if self._closed:
            flight.land(self._aborted(flight))
            return flight
        self._running[key] = flight
        task = asyncio.get_running_loop().create_task(self._fly(flight, body), name=f"upstream flight {key}")
        self._tasks[task] = flight
        task.add_done_callback(self._ended)
        return flight

    def detach(self, opd: str | None) -> None:
        """Make the running flights of ``opd`` (``None``: of every OPD) joinable no more, and mark them."""
        for key, flight in list(self._running.items()):
            if opd is None or flight.opd == opd:
                flight.detached = True
                del self._running[key]

    async def settle(self) -> None:
        """Wait until every flight running now has ended (those they start are not waited for)."""
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        """Cancel every flight, wait until each has ended, and start none from now on."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _fly(self, flight: Flight[R], body: Callable[[Flight[R]], Awaitable[None]]) -> None:
        try:
            await body(flight)
            if not flight.landing.done():
                raise RuntimeError(f"the flight of {flight.key} ended without landing")
        except Exception as exc:
            if not flight.landing.done():
                flight.landing.set_exception(exc)
                if flight.waiters == 0:
                    logger.warning(
                        "upstream flight %s failed with no caller waiting", flight.key, exc_info=exc
                    )
            else:
                logger.exception("upstream flight %s failed after it landed", flight.key)

    def _ended(self, task: asyncio.Task[None]) -> None:
        # Here rather than in _fly: a task cancelled before it ran never enters its coroutine.
        flight = self._tasks.pop(task)
        if not flight.landing.done():
            flight.land(self._aborted(flight))
        if self._running.get(flight.key) is flight:
            del self._running[flight.key]
