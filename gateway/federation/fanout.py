"""Calling many OPDs at once, safely: one operation's guarded upstream calls.

Every upstream call goes through :meth:`Fanout.call`, which

- asks the OPD's circuit breaker first (refused: ``OPEN_CIRCUIT``, no call);
- waits for a slot of the operation's concurrency bound (an ``asyncio.Semaphore``
  of ``federation.concurrency``);
- gives the call ``federation.opd_timeout_s`` (``TIMEOUT``);
- maps ``ConnectorError`` to ``ERROR`` with its code and message
  (``UpstreamTimeout`` to ``TIMEOUT``), and any other exception, a bug in a
  connector, to ``ERROR`` with a generic message, logging the traceback;
- records the outcome and its latency in the operation's report, and tells
  the breaker.

:meth:`Fanout.guard` runs one OPD's share of the work (perhaps several calls)
under the operation's deadline: what is not finished by then is ``TIMEOUT``,
and the response does not wait for it. Connector exceptions never leave
this module; a failed OPD becomes a :class:`Failed` value.

:meth:`Fanout.reuse` wraps the calls that make one reusable answer: with the
engine's upstream cache (:mod:`.upstream_cache`) the answer may come from
the cache, or from a flight shared with other callers that runs on a
:meth:`Fanout.detached` fanout; without it, the calls are simply made.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from connectors import ConnectorError, InvalidToken, UpstreamBadResponse, UpstreamTimeout
from gateway.config import FederationConfig

from .circuit import CircuitBreaker, Clock
from .errors import BadUserInput
from .outcomes import OperationReport, UpstreamOutcome, UpstreamStatusCode

if TYPE_CHECKING:
    from .reusable import Reusable
    from .upstream_cache import UpstreamCache

__all__ = ["CallFailed", "Failed", "Fanout", "gather_all"]

T = TypeVar("T")

logger = logging.getLogger("ppid_gateway.federation")

_MAX_MESSAGE = 300


class CallFailed(Exception):  # noqa: N818 - says what happened, like ``Failed``
    """An upstream call failed or was refused; its outcome is already in the report."""

    def __init__(self, outcome: UpstreamOutcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome


@dataclass(frozen=True)
class Failed:
    """The result of an OPD's work that did not complete."""

    outcome: UpstreamOutcome


class Fanout:
    """The guarded upstream calls of one engine call (one semaphore, one deadline).

    ``slots`` is the semaphore to share (a new one of ``federation.concurrency``
    when not given); ``cache`` is the engine's upstream cache, if it has one.
    """

    def __init__(
        self,
        *,
        report: OperationReport,
        settings: FederationConfig,
        breakers: Mapping[str, CircuitBreaker],
        clock: Clock,
        deadline: float,
        slots: asyncio.Semaphore | None = None,
        cache: UpstreamCache | None = None,
    ) -> None:
        self.report = report
        self._settings = settings
        self._breakers = breakers
        self._clock = clock
        self._deadline = deadline
        self._slots = slots if slots is not None else asyncio.Semaphore(settings.concurrency)
        self._cache = cache

    def clock(self) -> float:
        """Now, on the clock of the breakers and latencies."""
        return self._clock()

    def elapsed_ms(self, started: float) -> float:
        """Milliseconds since ``started`` (a :meth:`clock` reading)."""
        return max(0.0, (self._clock() - started) * 1000.0)

    def failing(self, opd: str) -> bool:
        """Whether the most recent call to ``opd`` failed (its breaker counts failures since a success)."""
        return self._breakers[opd].failures > 0

    def detached(self) -> Fanout:
        """A fanout for work that may outlive this one's operation (a flight shared by many callers).

        It shares the breakers and the concurrency bound of this one, and has
        a report of its own and a deadline of its own, ``federation.deadline_s``
        from now; it makes plain calls (no cache), since it is what fills the cache.
        """
        return Fanout(
            report=OperationReport(),
            settings=self._settings,
            breakers=self._breakers,
            clock=self._clock,
            deadline=asyncio.get_running_loop().time() + self._settings.deadline_s,
            slots=self._slots,
        )

    async def reuse(
        self, opd: str, spec: Reusable[T], arguments: object, work: Callable[[Fanout], Awaitable[T]]
    ) -> T:
        """The answer of ``opd`` to ``spec`` with ``arguments``, made by ``work(fanout)`` when not reused.

        ``work`` makes its calls through the fanout it is given (this one, or
        a detached one for a shared flight). Like :meth:`call`, raises
        ``CallFailed`` (outcome in the report) when there is no answer; a
        ``STALE`` answer is an answer.
        """
        if self._cache is None:
            return await work(self)
        return await self._cache.answer(self, opd, spec, arguments, work)

    def skip(self, opd: str, reason: str) -> None:
        """Record that ``opd`` was not called because it lacks what the operation needs."""
        self.report.record(UpstreamOutcome(opd, UpstreamStatusCode.SKIPPED, None, None, reason))

    async def call(
        self,
        opd: str,
        operation: str,
        fn: Callable[[], Awaitable[T]],
        *,
        expect: type | tuple[type, ...] | None = None,
    ) -> T:
        """The result of one upstream call ``fn()`` to ``opd``; ``CallFailed`` when it fails.

        ``operation`` names the connector method, for logs. ``expect`` is the
        type(s) a well-behaved connector returns; anything else is a bad response.
        """
        breaker = self._breakers[opd]
        if not breaker.try_acquire():
            raise self._fail(
                breaker,
                UpstreamOutcome(
                    opd,
                    UpstreamStatusCode.OPEN_CIRCUIT,
                    None,
                    "UPSTREAM_CIRCUIT_OPEN",
                    f"not called: it failed {breaker.failures} times in a row "
                    f"(last: {breaker.last_error or 'unknown'}); it is tried again shortly",
                ),
                count=False,
            )
        settled = False
        try:
            async with self._slots:
                started = self._clock()
                try:
                    async with asyncio.timeout(self._settings.opd_timeout_s):
                        result = await fn()
                    if expect is not None and not isinstance(result, expect):
                        raise UpstreamBadResponse(
                            f"the connector returned {type(result).__name__} from {operation}"
                        )
                except InvalidToken as exc:
                    # A token from a client's cursor: the client's mistake, no verdict on the OPD.
                    raise BadUserInput(
                        f"`after` holds a position that OPD {opd!r} does not accept ({_message(exc)}); "
                        "start again without `after`",
                        argument="after",
                    ) from None
                except UpstreamTimeout as exc:
                    settled = True
                    outcome = self._outcome(opd, started, UpstreamStatusCode.TIMEOUT, exc)
                    raise self._fail(breaker, outcome) from None
                except ConnectorError as exc:
                    settled = True
                    outcome = self._outcome(opd, started, UpstreamStatusCode.ERROR, exc)
                    raise self._fail(breaker, outcome) from None
                except TimeoutError:
                    settled = True
                    outcome = UpstreamOutcome(
                        opd,
                        UpstreamStatusCode.TIMEOUT,
                        self.elapsed_ms(started),
                        UpstreamTimeout.code,
                        f"no answer within {self._settings.opd_timeout_s:g} s",
                    )
                    raise self._fail(breaker, outcome) from None
                except Exception:
                    settled = True
                    logger.exception("opd %s: connector %s raised an unexpected exception", opd, operation)
                    outcome = UpstreamOutcome(
                        opd,
                        UpstreamStatusCode.ERROR,
                        self.elapsed_ms(started),
                        ConnectorError.code,
                        "the OPD's connector failed unexpectedly; the gateway's log has the details",
                    )
                    raise self._fail(breaker, outcome) from None
                settled = True
                breaker.succeeded()
                self.report.record(UpstreamOutcome(opd, UpstreamStatusCode.OK, self.elapsed_ms(started)))
                return result
        finally:
            if not settled:
                breaker.abandoned()

    async def guard(self, opd: str, work: Callable[[], Awaitable[T]]) -> T | Failed:
        """``await work()`` under the operation's deadline; ``Failed`` when it did not complete."""
        if asyncio.get_running_loop().time() >= self._deadline:
            return Failed(self._cut_off(opd))
        try:
            async with asyncio.timeout_at(self._deadline) as scope:
                return await work()
        except CallFailed as exc:
            return Failed(exc.outcome)
        except ConnectorError as exc:
            # The engine found the answers inconsistent (a token repeated): the OPD's fault.
            outcome = UpstreamOutcome(opd, UpstreamStatusCode.ERROR, None, exc.code, _message(exc))
            return Failed(self._fail(self._breakers[opd], outcome).outcome)
        except TimeoutError:
            if not scope.expired():
                raise
            return Failed(self._cut_off(opd))

    async def each(self, opds: Sequence[str], work: Callable[[str], Awaitable[T]]) -> dict[str, T | Failed]:
        """``work(opd)`` for every OPD concurrently, each under :meth:`guard`."""
        results = await gather_all(self.guard(opd, functools.partial(work, opd)) for opd in opds)
        return dict(zip(opds, results, strict=True))

    def _cut_off(self, opd: str) -> UpstreamOutcome:
        outcome = UpstreamOutcome(
            opd,
            UpstreamStatusCode.TIMEOUT,
            None,
            UpstreamTimeout.code,
            f"not finished before the operation's deadline ({self._settings.deadline_s:g} s)",
        )
        logger.warning("opd %s: cut off by the operation's deadline", opd)
        self.report.record(outcome)
        return outcome

    def _fail(self, breaker: CircuitBreaker, outcome: UpstreamOutcome, *, count: bool = True) -> CallFailed:
        if count:
            breaker.failed(outcome.message or outcome.status.value)
            logger.warning(
                "opd %s: %s (%s): %s", outcome.opd, outcome.status.value, outcome.error_code, outcome.message
            )
        self.report.record(outcome)
        return CallFailed(outcome)

    def _outcome(
        self, opd: str, started: float, status: UpstreamStatusCode, exc: ConnectorError
    ) -> UpstreamOutcome:
        return UpstreamOutcome(opd, status, self.elapsed_ms(started), exc.code, _message(exc))


async def gather_all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Every result, like ``asyncio.gather``; but the first exception cancels the rest before it is raised.

    Guarded work only raises what must end the operation (``BadUserInput``,
    a bug of the engine), and then nothing should keep calling OPDs.
    """
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _message(exc: ConnectorError) -> str:
    message = str(exc).strip() or type(exc).__name__
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"
