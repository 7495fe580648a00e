"""The ASGI app of one simulated OPD: its dialect's APIs (data, requests), its files, the fault middleware."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from .dialects import api_routes, endpoint_namer, intake_routes
from .faults import FaultMiddleware
from .files_server import file_route
from .intake import IntakeDesk
from .knobs import KnobState
from .plan import OpdPlan
from .stats import RequestStats

__all__ = ["opd_app"]


def opd_app(
    plan: OpdPlan, *, knobs: KnobState, stats: RequestStats, desk: IntakeDesk | None = None
) -> Starlette:
    """The portal of ``plan.opd`` as it speaks ``plan.dialect``; with ``desk``, it also takes requests.

    The knobs apply to the request API as to every other route.
    """
    seed = plan.seed()
    routes: list[BaseRoute] = [*api_routes(plan.dialect, seed), file_route(seed)]
    if desk is not None:
        routes[-1:-1] = intake_routes(plan.dialect, desk)
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(
                FaultMiddleware,
                slug=plan.slug,
                routes=routes,
                knobs=knobs,
                stats=stats,
                auth=plan.auth,
                endpoint_of=endpoint_namer(plan.dialect),
            )
        ],
    )
