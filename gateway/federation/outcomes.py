"""How each OPD answered during one operation: the upstream report.

One :class:`OperationReport` lives for one GraphQL operation; every resolver
that reaches an OPD adds an :class:`UpstreamOutcome` to it, and the schema
turns it into ``extensions.upstreams`` and one error per failed OPD.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

__all__ = ["OperationReport", "UpstreamOutcome", "UpstreamStatusCode"]


class UpstreamStatusCode(enum.Enum):
    """How one OPD answered, from best to worst."""

    OK = "OK"
    """It answered."""
    CACHED = "CACHED"
    """The answer came from the cache."""
    STALE = "STALE"
    """The OPD failed and an expired cached answer was served instead."""
    SKIPPED = "SKIPPED"
    """The operation needs a capability the OPD's connector does not declare; no call was made."""
    OPEN_CIRCUIT = "OPEN_CIRCUIT"
    """The OPD failed too often lately; no call was made."""
    TIMEOUT = "TIMEOUT"
    """No answer within the per-OPD timeout or before the operation's deadline."""
    ERROR = "ERROR"
    """The OPD (or its connector) failed."""


_FAILED = frozenset({UpstreamStatusCode.ERROR, UpstreamStatusCode.TIMEOUT, UpstreamStatusCode.OPEN_CIRCUIT})
# SKIPPED ranks just above OK: that an OPD had no profile to read must not hide that its documents
# came from the cache, or were stale.
_SEVERITY = {
    status: rank
    for rank, status in enumerate(
        (
            UpstreamStatusCode.OK,
            UpstreamStatusCode.SKIPPED,
            UpstreamStatusCode.CACHED,
            UpstreamStatusCode.STALE,
            UpstreamStatusCode.OPEN_CIRCUIT,
            UpstreamStatusCode.TIMEOUT,
            UpstreamStatusCode.ERROR,
        )
    )
}


@dataclass(frozen=True)
class UpstreamOutcome:
    """How one OPD answered one call (or, in a report, all calls of an operation)."""

    opd: str
    """The OPD's slug."""
    status: UpstreamStatusCode
    """How it answered."""
    latency_ms: float | None
    """How long the call took; ``None`` when no call was made."""
    error_code: str | None = None
    """A machine-readable code for failures, e.g. ``UPSTREAM_TIMEOUT`` (a ``ConnectorError.code``)."""
    message: str | None = None
    """What went wrong, fit to show to a client: no stack trace, no secret."""
    age_s: float | None = None
    """For ``CACHED`` and ``STALE``: seconds since the answer served was fetched from the OPD."""

    @property
    def failed(self) -> bool:
        """True for ``ERROR``, ``TIMEOUT`` and ``OPEN_CIRCUIT``."""
        return self.status in _FAILED


class OperationReport:
    """The outcomes of one operation, one entry per OPD it touched.

    Many resolvers of one operation record into the same report; an OPD's
    entry keeps its worst status (``OK < SKIPPED < CACHED < STALE <
    OPEN_CIRCUIT < TIMEOUT < ERROR``) with that status's code and message,
    the longest latency, and the greatest age among the outcomes of that status
    (a client is told about the oldest answer it got).

    ``deadline``, when set, is the event-loop time (``loop.time()``) after
    which no engine call of this operation waits for an OPD any more; see
    :meth:`gateway.federation.Federation.new_report`. Without it each engine
    call gets the configured deadline from its own start.
    """

    def __init__(self, *, deadline: float | None = None) -> None:
        self.deadline = deadline
        self._entries: dict[str, UpstreamOutcome] = {}

    def record(self, outcome: UpstreamOutcome) -> None:
        """Merge ``outcome`` into the OPD's entry."""
        current = self._entries.get(outcome.opd)
        if current is None:
            self._entries[outcome.opd] = outcome
            return
        worst = outcome if _SEVERITY[outcome.status] > _SEVERITY[current.status] else current
        latencies = [ms for ms in (current.latency_ms, outcome.latency_ms) if ms is not None]
        ages = [o.age_s for o in (current, outcome) if o.status is worst.status and o.age_s is not None]
        self._entries[outcome.opd] = replace(
            worst, latency_ms=max(latencies) if latencies else None, age_s=max(ages) if ages else None
        )

    def get(self, opd: str) -> UpstreamOutcome | None:
        """The entry of ``opd``, or ``None`` when the operation did not touch it."""
        return self._entries.get(opd)

    def outcomes(self) -> list[UpstreamOutcome]:
        """Every entry, sorted by OPD slug."""
        return [self._entries[slug] for slug in sorted(self._entries)]

    def failures(self) -> list[UpstreamOutcome]:
        """The entries of OPDs that failed, sorted by OPD slug."""
        return [outcome for outcome in self.outcomes() if outcome.failed]
