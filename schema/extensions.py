"""Schema extensions: the upstream report and the shape of errors.

``UpstreamReport`` puts ``extensions.upstreams`` in every response that
touched an OPD — one entry per OPD, ``{opd, status, latencyMs}``, plus
``ageSeconds`` when the answer came from the cache (``CACHED``, ``STALE``) —
and adds one GraphQL error per OPD that failed, with ``extensions.code`` and
``extensions.opd``, while the data of every other OPD still comes back. A
``STALE`` OPD is no error: its data is there, only older (``ageSeconds``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.federation import UpstreamFailure, UpstreamOutcome

from .errors import shape_error


class UpstreamReport(SchemaExtension):
    """Report how each OPD answered, and shape every error a client sees."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None:
            return
        errors = [shape_error(error) for error in result.errors or ()]
        report = getattr(self.execution_context.context, "report", None)
        if report is not None:
            for outcome in report.failures():
                failure = UpstreamFailure(outcome)
                errors.append(
                    GraphQLError(
                        f"OPD {outcome.opd!r} did not answer ({outcome.status.value}): "
                        f"{outcome.message or 'no detail'}. Data from the other OPDs is complete; "
                        "try again later for this one.",
                        extensions=failure.extensions,
                    )
                )
        result.errors = errors or None

    def get_results(self) -> dict[str, Any]:
        report = getattr(self.execution_context.context, "report", None)
        if report is None:
            return {}
        outcomes = report.outcomes()
        if not outcomes:
            return {}
        return {"upstreams": [_entry(outcome) for outcome in outcomes]}


def _entry(outcome: UpstreamOutcome) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "opd": outcome.opd,
        "status": outcome.status.value,
        "latencyMs": None if outcome.latency_ms is None else round(outcome.latency_ms, 1),
    }
    if outcome.age_s is not None:
        entry["ageSeconds"] = round(outcome.age_s, 1)
    return entry
