"""A circuit breaker per OPD: stop calling an OPD that keeps failing, probe it later.

::

    CLOSED --(failure_threshold consecutive failures)--> OPEN
    OPEN --(reset_after_s elapsed)--> HALF_OPEN: one probe call is let through
    HALF_OPEN --probe succeeds--> CLOSED
    HALF_OPEN --probe fails--> OPEN (for another reset_after_s)

A call that was abandoned before the OPD answered (the operation's deadline
cancelled it) proves nothing: it neither counts as a failure nor closes the
circuit, and a half-open breaker lets the next call probe instead.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

__all__ = ["CircuitBreaker", "CircuitState", "Clock"]

Clock = Callable[[], float]
"""Seconds from an arbitrary origin, never going back (``time.monotonic``)."""


class CircuitState(enum.Enum):
    """The state of one OPD's breaker."""

    CLOSED = "CLOSED"
    """Calls go through."""
    OPEN = "OPEN"
    """Calls are refused until ``reset_after_s`` has passed."""
    HALF_OPEN = "HALF_OPEN"
    """The next call is a probe; others are refused while it runs."""


class CircuitBreaker:
    """The breaker of one OPD, shared by every operation of the gateway."""

    def __init__(self, *, failure_threshold: int, reset_after_s: float, clock: Clock) -> None:
        self.failure_threshold = failure_threshold
        self.reset_after_s = reset_after_s
        self._clock = clock
        self._open = False
        self._opened_at = 0.0
        self._probing = False
        self.failures = 0
        """Consecutive failures since the last success."""
        self.last_error: str | None = None
        """The message of the most recent failure, kept after recovery."""

    @property
    def state(self) -> CircuitState:
        """The current state; an open circuit whose wait is over reads ``HALF_OPEN``."""
        if not self._open:
            return CircuitState.CLOSED
        if self._clock() - self._opened_at >= self.reset_after_s:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    @property
    def retry_at(self) -> float | None:
        """When an open circuit lets a probe through (on the breaker's clock); ``None`` when closed."""
        return self._opened_at + self.reset_after_s if self._open else None

    def try_acquire(self) -> bool:
        """Whether a call may be made now; in ``HALF_OPEN`` only one probe at a time."""
        state = self.state
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def succeeded(self) -> None:
        """The OPD answered: close the circuit."""
        self._open = False
        self._probing = False
        self.failures = 0

    def failed(self, reason: str) -> None:
        """The OPD failed (error or timeout): count it, open or reopen the circuit when due."""
        self.failures += 1
        self.last_error = reason
        if self._probing or (not self._open and self.failures >= self.failure_threshold):
            self._open = True
            self._opened_at = self._clock()
        self._probing = False

    def abandoned(self) -> None:
        """A call was cancelled before the OPD answered: no verdict, free the probe slot."""
        self._probing = False
