"""Reusing OPD answers across operations, requests and (on Redis) replicas.

What an answer's age past its TTL (``cache.ttl``, per kind) means:

=============================================  ==================================================
age of the answer                              what the caller gets
=============================================  ==================================================
under ``ttl``                                  the answer, ``CACHED``; no call
up to ``stale_while_revalidate_s`` more        the answer at once, ``CACHED`` (``STALE`` when the
                                               OPD's last call failed); one refresh per answer
                                               runs in the background (a flight)
older, or none stored                          the OPD is asked (one flight per answer, shared
                                               by every caller); when it fails and an answer
                                               is kept (``stale_if_error_s`` past its ``ttl``):
                                               that answer, ``STALE`` with its age; else the
                                               failure, as without a cache
=============================================  ==================================================

A hit never touches the circuit breaker. A refresh or a fetch is a
:class:`~.flights.Flight` with a :class:`~.fanout.Fanout` of its own (the
per-OPD timeout, the breaker, a deadline of its own), so it is not tied to
the request that started it. Failures are never stored: an OPD that failed
leaves the previous answer in place. An outage of the cache is a miss (and a
store that did not happen), never an error of the query.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from cache import MISSING, Cache, CacheUnavailable, keys
from connectors import ConnectorError
from gateway.config import CacheConfig

from .circuit import Clock
from .fanout import CallFailed, Failed, Fanout
from .flights import Flight, Flights
from .outcomes import UpstreamOutcome, UpstreamStatusCode
from .reusable import NAMESPACE, Entry, Reusable

__all__ = ["UpstreamCache", "Work"]

T = TypeVar("T")

Work = Callable[[Fanout], Awaitable[T]]
"""The upstream reads that make one answer, through the guarded calls of the fanout given."""

logger = logging.getLogger("ppid_gateway.federation")


@dataclass(frozen=True, slots=True)
class _Served(Generic[T]):
    """A flight's answer: fetched now (``OK``), or found fresh in the cache when it started (``CACHED``)."""

    value: T
    outcome: UpstreamOutcome


@dataclass(frozen=True, slots=True)
class _Unserved(Generic[T]):
    """A flight whose OPD failed; ``kept`` is the expired answer it found, if any."""

    outcome: UpstreamOutcome
    kept: Entry[T] | None


_Landing = _Served[T] | _Unserved[T]


DECODED_ENTRIES = 1024
"""Entries kept decoded in this process, most recently read first.

Reading a kept answer back from its JSON costs more than the rest of a warm
query (a third of its CPU with 43 OPDs): an entry whose stored bytes have
not changed since it was last read is handed out as it was decoded then
(records are immutable). The bytes are compared, so an entry another
replica rewrote in Redis is decoded again.
"""


class UpstreamCache:
    """The engine's cache of OPD answers: TTL per kind, stale-while-revalidate, stale-on-error, single-flight.

    ``cache`` holds the entries (bytes, see :mod:`.reusable`); ``config``
    gives the TTLs and the stale windows; ``clock`` is wall-clock time (unix
    seconds), because entries outlive the process and, on Redis, are shared
    by replicas.
    """

    def __init__(self, cache: Cache, config: CacheConfig, *, clock: Clock = time.time) -> None:
        self._cache = cache
        self._config = config
        self._clock = clock
        self._flights: Flights[_Landing[Any]] = Flights(_aborted)
        self._reads: dict[str, asyncio.Task[Entry[Any] | None]] = {}
        self._decoded: OrderedDict[str, tuple[bytes, Entry[Any]]] = OrderedDict()

    @property
    def flights(self) -> int:
        """How many flights are running (fetches and background refreshes)."""
        return len(self._flights)

    async def answer(
        self, fanout: Fanout, opd: str, spec: Reusable[T], arguments: object, work: Work[T]
    ) -> T:
        """The answer of ``opd`` to ``spec`` with ``arguments``: from the cache, or from ``work``.

        The outcome (``CACHED``, ``OK``, ``STALE`` or the failure) is recorded
        in ``fanout``'s report; when there is no answer to give, raises
        ``CallFailed`` as :meth:`Fanout.call` does.
        """
        key = spec.key(opd, arguments)
        started = fanout.clock()
        kept = await self._lookup(key, spec)
        if kept is not None:
            now = self._clock()
            if now < kept.fresh_until:
                fanout.report.record(_hit(fanout, opd, kept, started, now))
                return kept.value
            if now < kept.fresh_until + self._config.stale_while_revalidate_s:
                if self._flights.get(key) is None:
                    self._start(key, fanout, opd, spec, work)
                # Expired, and the OPD's last call failed: the refresh is unlikely to help, say so.
                status = UpstreamStatusCode.STALE if fanout.failing(opd) else UpstreamStatusCode.CACHED
                fanout.report.record(_hit(fanout, opd, kept, started, now, status=status))
                return kept.value
        flight = self._flights.get(key) or self._start(key, fanout, opd, spec, work)
        landing = cast("_Landing[T]", await flight.wait())
        if isinstance(landing, _Served):
            fanout.report.record(landing.outcome)
            return landing.value
        stale = _newest(kept, landing.kept)
        now = self._clock()
        if stale is not None and now < stale.fresh_until + self._config.stale_if_error_s:
            fanout.report.record(
                dataclasses.replace(
                    landing.outcome, status=UpstreamStatusCode.STALE, age_s=max(0.0, now - stale.stored_at)
                )
            )
            return stale.value
        fanout.report.record(landing.outcome)
        raise CallFailed(landing.outcome)

    async def invalidate(self, opd: str | None) -> int:
        """Drop the stored answers of ``opd`` (``None``: of every OPD); how many were dropped.

        Flights of that OPD already running still answer the callers waiting
        for them, but their answers are not stored (they may predate the change).
        """
        self._flights.detach(opd)
        prefix = keys.prefix(NAMESPACE) if opd is None else keys.prefix(NAMESPACE, opd)
        return await self._cache.delete_prefix(prefix)

    async def settle(self) -> None:
        """Wait until the fetches and background refreshes running now have ended."""
        await self._flights.settle()

    async def aclose(self) -> None:
        """Cancel the running flights and start no more (their waiters get a failure, or a kept answer).

        Reads of the cache in progress are waited for, not cancelled: they
        are short, and their callers are requests that were not cancelled.
        """
        await self._flights.aclose()
        await asyncio.gather(*list(self._reads.values()), return_exceptions=True)

    # -- flights -----------------------------------------------------------------------

    def _start(self, key: str, fanout: Fanout, opd: str, spec: Reusable[T], work: Work[T]) -> Flight[Any]:
        detached = fanout.detached()

        async def body(flight: Flight[_Landing[Any]]) -> None:
            await self._fly(flight, detached, opd, spec, work)

        return self._flights.start(key, opd, body)

    async def _fly(
        self, flight: Flight[_Landing[Any]], fanout: Fanout, opd: str, spec: Reusable[T], work: Work[T]
    ) -> None:
        started = fanout.clock()
        # Another flight of this process, or another replica, may have stored it since the caller looked.
        kept = await self._read(flight.key, spec)
        asked_at = self._clock()
        if kept is not None and asked_at < kept.fresh_until:
            flight.land(_Served(kept.value, _hit(fanout, opd, kept, started, asked_at)))
            return
        result = await fanout.guard(opd, lambda: work(fanout))
        if isinstance(result, Failed):
            flight.land(_Unserved(result.outcome, kept))
            return
        outcome = fanout.report.get(opd) or UpstreamOutcome(opd, UpstreamStatusCode.OK, None)
        # Stored before the flight lands: a caller who got this answer and asks again at once
        # must find it stored, not start a second read (the store is bounded by the cache's timeout).
        if not flight.detached:
            await self._write(flight.key, spec, result, asked_at)
        flight.land(_Served(result, outcome))

    # -- the store ---------------------------------------------------------------------

    async def _lookup(self, key: str, spec: Reusable[T]) -> Entry[T] | None:
        """What the cache holds under ``key``; callers asking at the same moment share one read.

        A hundred identical queries at once then cost the cache one read per
        answer, not a hundred (and not a hundred connections to Redis).
        """
        read = self._reads.get(key)
        if read is None:
            read = asyncio.get_running_loop().create_task(self._read(key, spec))
            self._reads[key] = read
            read.add_done_callback(functools.partial(self._read_done, key))
        return cast("Entry[T] | None", await asyncio.shield(read))

    def _read_done(self, key: str, read: asyncio.Task[Entry[Any] | None]) -> None:
        if self._reads.get(key) is read:
            del self._reads[key]

    async def _read(self, key: str, spec: Reusable[T]) -> Entry[T] | None:
        try:
            raw = await self._cache.get(key)
        except CacheUnavailable as exc:
            logger.debug("upstream cache: read of %s skipped: %s", key, exc)
            return None
        if raw is MISSING:
            return None
        known = self._decoded.get(key)
        if known is not None and (known[0] is raw or known[0] == raw):
            self._decoded.move_to_end(key)
            return cast("Entry[T]", known[1])
        try:
            entry = spec.decode(raw)
        except ValueError:
            logger.warning("upstream cache: the entry %s is not a %s; ignored", key, spec)
            return None
        self._remember(key, raw, entry)
        return entry

    def _remember(self, key: str, raw: bytes, entry: Entry[Any]) -> None:
        self._decoded[key] = (raw, entry)
        self._decoded.move_to_end(key)
        if len(self._decoded) > DECODED_ENTRIES:
            self._decoded.popitem(last=False)

    async def _write(self, key: str, spec: Reusable[T], value: T, stored_at: float) -> None:
        fresh_until = stored_at + self._ttl(spec)
        kept_until = fresh_until + max(self._config.stale_while_revalidate_s, self._config.stale_if_error_s)
        ttl = kept_until - self._clock()
        if ttl <= 0:
            return
        raw = spec.encode(value, stored_at=stored_at, fresh_until=fresh_until)
        self._remember(key, raw, Entry(value, stored_at, fresh_until))
        try:
            await self._cache.set(key, raw, ttl=ttl)
        except CacheUnavailable as exc:
            logger.debug("upstream cache: store of %s skipped: %s", key, exc)

    def _ttl(self, spec: Reusable[Any]) -> float:
        ttl = self._config.ttl
        seconds = {
            "profile": ttl.profile,
            "information_list": ttl.information_list,
            "documents": ttl.documents,
        }
        return seconds[spec.ttl]


def _hit(
    fanout: Fanout,
    opd: str,
    entry: Entry[Any],
    started: float,
    now: float,
    *,
    status: UpstreamStatusCode = UpstreamStatusCode.CACHED,
) -> UpstreamOutcome:
    return UpstreamOutcome(opd, status, fanout.elapsed_ms(started), age_s=max(0.0, now - entry.stored_at))


def _newest(*entries: Entry[T] | None) -> Entry[T] | None:
    found = [entry for entry in entries if entry is not None]
    return max(found, key=lambda entry: entry.stored_at) if found else None


def _aborted(flight: Flight[_Landing[Any]]) -> _Landing[Any]:
    outcome = UpstreamOutcome(
        flight.opd,
        UpstreamStatusCode.ERROR,
        None,
        ConnectorError.code,
        "not answered: the gateway is shutting down",
    )
    return _Unserved(outcome, None)
