"""The health of every upstream: probe each OPD now, through its breaker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from connectors import Connector

from .circuit import CircuitBreaker
from .fanout import Fanout
from .outcomes import UpstreamStatusCode

__all__ = ["UpstreamHealth", "probe_all"]

_ANSWERED_BADLY = frozenset({UpstreamStatusCode.ERROR, UpstreamStatusCode.TIMEOUT})


@dataclass(frozen=True)
class UpstreamHealth:
    """How one OPD's system answered a probe just now."""

    opd: str
    """The OPD's slug."""
    connector: str
    """The connector kind that reaches it."""
    status: UpstreamStatusCode
    """``OK``, ``ERROR``, ``TIMEOUT``, or ``OPEN_CIRCUIT`` (not probed: the breaker is open)."""
    latency_ms: float | None
    """How long the probe took; ``None`` when none was made."""
    last_error: str | None
    """This probe's error or timeout, else the most recent failure seen on this OPD by any operation."""
    circuit: str
    """The breaker's state after the probe: ``CLOSED``, ``OPEN`` or ``HALF_OPEN``."""


async def probe_all(
    fanout: Fanout,
    connectors: Mapping[str, Connector],
    breakers: Mapping[str, CircuitBreaker],
    opds: Sequence[str],
) -> list[UpstreamHealth]:
    """Probe ``opds`` concurrently (``Connector.probe``), in the order given."""
    await fanout.each(opds, lambda opd: fanout.call(opd, "probe", connectors[opd].probe))
    health = []
    for opd in opds:
        outcome = fanout.report.get(opd)
        breaker = breakers[opd]
        answered_badly = outcome is not None and outcome.status in _ANSWERED_BADLY
        health.append(
            UpstreamHealth(
                opd=opd,
                connector=connectors[opd].kind,
                status=outcome.status if outcome is not None else UpstreamStatusCode.OK,
                latency_ms=outcome.latency_ms if outcome is not None else None,
                last_error=outcome.message if answered_badly and outcome is not None else breaker.last_error,
                circuit=breaker.state.value,
            )
        )
    return health
