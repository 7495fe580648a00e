"""The access-code guard: a few wrong codes per registration number, then a pause (DOMAIN.md, Cek Status).

A registration number is not secret (it is printed, read aloud, sent by
e-mail), so the access code is what protects a request's details. Its ~49
bits are only hopeless to guess when guesses are few: this module counts the
wrong codes tried for each registration number with the ``limits`` library
(a moving window, ``requests.access_code_attempts``, by default 5 per 15
minutes) and, once they are used up, refuses every code check for that
number with :class:`~gateway.requests.errors.RateLimited` until the oldest
wrong code leaves the window.

Decisions, each for a reason:

- **Every check is refused while limited, the right code too**, and the
  refusal comes before the code is looked at: otherwise the answer to a
  limited guesser would still tell a right code from a wrong one.
- **A right code does not reset the count.** A reset would let anyone who
  once held the code (a former colleague, a shared computer) clear the way
  for a guesser; wrong codes simply age out of the window. A citizen who
  types their code wrongly four times and then rightly still gets in.
- **The count is per registration number only**, not per client address:
  guessers change addresses for free. The price is that anyone can pause
  the code checks of a number they know for one window; the public status
  (no code) is never limited, and nothing is changed or lost meanwhile.
- **Checks of one number take turns within a process** (test the count,
  verify the code, count it if wrong), so concurrent guesses cannot all
  pass the test before any is counted. Across replicas the overshoot is at
  most one in-flight guess per other replica.
- **Storage**: in memory for one process; Redis when ``cache.url`` names one,
  so that every replica shares the counts (``limits``' async Redis storage
  over redis-py's asyncio client).
- **Fail open**: when the counter's storage does not answer within
  ``requests.attempts_timeout_s`` the code is still checked, without a
  limit, and a warning is logged (once per outage, and once when the
  storage answers again). A Redis outage must not lock every citizen out of
  their own request; an attacker gains at most the outage's duration of
  unlimited guesses against a slow scrypt hash (~50 ms of CPU each).

Logs name the registration number when a limit is reached, never a code.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import limits
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool, RedisError

from gateway.config import GatewayConfig

from .access_codes import verify_access_code
from .errors import RateLimited, wrong_access_code

__all__ = ["DEFAULT_KEY_PREFIX", "AccessCodeGuard"]

DEFAULT_KEY_PREFIX = "ppid-gateway"
"""The prefix of the counters' keys in a shared Redis."""

_log = logging.getLogger(__name__)
_SCOPE = "access-code"
_T = TypeVar("_T")


@dataclass(slots=True)
class _Turn:
    lock: asyncio.Lock
    waiting: int = 0


class AccessCodeGuard:
    """Checks access codes, counting the wrong ones per registration number.

    ``limit`` is a ``limits`` notation (``"5/15 minutes"``) or a parsed item;
    ``storage_url`` is ``memory://`` or ``redis://…`` / ``rediss://…``;
    ``key_prefix`` namespaces the Redis keys (tests use one per run);
    ``timeout_s`` bounds each call to the storage; ``clock`` (seconds since
    the epoch, like the storage's) turns a window's end into a wait.
    ``shared`` says whether the counts live in Redis. Close it with
    :meth:`aclose`.
    """

    def __init__(
        self,
        limit: str | limits.RateLimitItem = "5/15 minutes",
        *,
        storage_url: str = "memory://",
        key_prefix: str = DEFAULT_KEY_PREFIX,
        timeout_s: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._limit = limits.parse(limit) if isinstance(limit, str) else limit
        self._timeout_s = timeout_s
        self._clock = clock
        self._pool: ConnectionPool | None = None
        storage: Storage
        if storage_url.startswith(("redis://", "rediss://")):
            # our own pool, so that its timeouts are ours and aclose() needs nothing of limits' internals
            self._pool = ConnectionPool.from_url(
                storage_url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s
            )
            storage = RedisStorage(
                f"async+{storage_url}",
                implementation="redispy",
                key_prefix=key_prefix,
                wrap_exceptions=True,
                connection_pool=self._pool,  # type: ignore[arg-type]  # passed through to redis-py
            )
            self.shared = True
        elif storage_url.startswith("memory://"):
            storage = MemoryStorage()
            self.shared = False
        else:
            raise ValueError("the attempt counter's storage must be memory:// or redis://host:port/db")
        self._limiter = MovingWindowRateLimiter(storage)
        self._turns: dict[str, _Turn] = {}
        self._storage_down = False

    @classmethod
    def from_config(cls, config: GatewayConfig) -> AccessCodeGuard:
        """The guard of ``requests.access_code_attempts``, counting where ``cache.url`` says."""
        return cls(
            config.requests.access_code_attempts,
            storage_url=config.cache.url,
            timeout_s=config.requests.attempts_timeout_s,
        )

    @property
    def limit(self) -> limits.RateLimitItem:
        """The wrong codes allowed per window."""
        return self._limit

    async def check(self, registration_number: str, code: str, code_hash: str) -> None:
        """Return when ``code`` matches ``code_hash``; raise otherwise.

        Raises :class:`RateLimited` while the number's wrong codes are used
        up (whatever ``code`` is), else the ``WRONG_ACCESS_CODE``
        :class:`~gateway.kip.errors.RuleViolation` for a wrong code, which
        is then counted.
        """
        async with self._turn(registration_number):
            window = self._limiter.get_window_stats(self._limit, _SCOPE, registration_number)
            stats = await self._counter(window)
            if stats is not None and stats.remaining <= 0:
                _log.debug("access-code check of %s refused: wrong codes used up", registration_number)
                raise RateLimited(
                    datetime.fromtimestamp(stats.reset_time, UTC), stats.reset_time - self._clock()
                )
            if await verify_access_code(code, code_hash):
                return
            await self._counter(self._limiter.hit(self._limit, _SCOPE, registration_number))
            if stats is not None and stats.remaining == 1:  # once per lock-out, not once per refusal
                _log.warning(
                    "access-code checks of %s paused: %d wrong codes within %s",
                    registration_number,
                    self._limit.amount,
                    self._limit,
                )
            raise wrong_access_code()

    async def clear(self, registration_number: str) -> None:
        """Forget the wrong codes counted for ``registration_number`` (an operator's unlock)."""
        await self._limiter.clear(self._limit, _SCOPE, registration_number)

    async def aclose(self) -> None:
        """Close the connections to the shared storage, if any."""
        if self._pool is not None:
            await self._pool.aclose()

    @asynccontextmanager
    async def _turn(self, registration_number: str) -> AsyncIterator[None]:
        turn = self._turns.get(registration_number)
        if turn is None:
            turn = self._turns[registration_number] = _Turn(asyncio.Lock())
        turn.waiting += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.waiting -= 1
            if turn.waiting == 0:  # nobody else holds or awaits it: don't keep a lock per number ever seen
                del self._turns[registration_number]

    async def _counter(self, call: Awaitable[_T]) -> _T | None:
        """The storage's answer, or ``None`` (logged) when it fails or is too slow: the check goes on."""
        try:
            async with asyncio.timeout(self._timeout_s):
                answer = await call
        except (StorageError, RedisError, OSError, TimeoutError) as exc:
            if not self._storage_down:
                self._storage_down = True
                _log.warning(
                    "the access-code attempt counter is unavailable (%s); codes are checked without "
                    "a limit until it answers again",
                    type(exc.storage_error if isinstance(exc, StorageError) else exc).__name__,
                )
            return None
        if self._storage_down:
            self._storage_down = False
            _log.warning("the access-code attempt counter answers again; wrong codes are limited again")
        return answer
