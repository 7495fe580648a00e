"""The federation engine: one query fanned out over every OPD's connector.

Concurrent, bounded and deadline-limited calls with a circuit breaker per
OPD; exact, stable cursor pagination across OPDs; look-ups batched for
DataLoaders; a cache of OPD answers (:class:`UpstreamCache`: TTLs,
stale-while-revalidate, stale-on-error, single-flight); and a report of how
each OPD answered. ``gateway`` never imports Strawberry: the schema calls
:class:`Federation` and reads the :class:`OperationReport`.
"""

from .circuit import CircuitBreaker, CircuitState, Clock
from .connection import MAX_FIRST, Edge, Slice
from .cursor import CURSOR_VERSION
from .directory import directory_config
from .engine import Federation
from .errors import BadUserInput, UpstreamFailure
from .health import UpstreamHealth
from .ids import global_id, parse_global_id
from .nodes import FederatedDocument, FederatedListEntry
from .outcomes import OperationReport, UpstreamOutcome, UpstreamStatusCode
from .upstream_cache import UpstreamCache

__all__ = [
    "CURSOR_VERSION",
    "MAX_FIRST",
    "BadUserInput",
    "CircuitBreaker",
    "CircuitState",
    "Clock",
    "Edge",
    "FederatedDocument",
    "FederatedListEntry",
    "Federation",
    "OperationReport",
    "Slice",
    "UpstreamCache",
    "UpstreamFailure",
    "UpstreamHealth",
    "UpstreamOutcome",
    "UpstreamStatusCode",
    "directory_config",
    "global_id",
    "parse_global_id",
]
