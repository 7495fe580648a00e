"""Schema extensions: the upstream report and the shape of errors.

``UpstreamReport`` puts ``extensions.upstreams`` in every response that
touched an OPD — one entry per OPD, ``{opd, status, latencyMs}`` — and adds
one GraphQL error per OPD that failed, with ``extensions.code`` and
``extensions.opd``, while the data of every other OPD still comes back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.federation import UpstreamFailure

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
        return {
            "upstreams": [
                {
                    "opd": outcome.opd,
                    "status": outcome.status.value,
                    "latencyMs": None if outcome.latency_ms is None else round(outcome.latency_ms, 1),
                }
                for outcome in outcomes
            ]
        }
