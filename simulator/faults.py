"""The ASGI middleware in front of every simulated OPD: counts, faults, API key."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.datastructures import Headers
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from .knobs import KnobState
from .plan import SIM_TOKEN, SIM_TOKEN_HEADER
from .stats import RequestStats

__all__ = ["FaultMiddleware"]

_GARBAGE = (
    "<!DOCTYPE html><html><head><title>Situs Dalam Pemeliharaan</title></head>"
    "<body><h1>Mohon maaf, situs sedang dalam pemeliharaan.</h1>"
    "<p>Silakan kembali beberapa saat lagi.</p><hr><address>nginx</address></body></html>"
)
# Valid JSON, but no dialect's envelope: no data/results/items, and not a list.
_WRONG_SHAPE = {"status": "success", "result": "maintenance", "code": 0}


class FaultMiddleware:
    """Counts each request, then misbehaves as the OPD's knobs say, then checks the API key.

    Requests are counted before any fault, because a request that fails is
    still a call the gateway made. The endpoint name is that of the route
    the request would reach (``documents``, ``file``...), ``other`` if none;
    ``endpoint_of(scope, route_name)`` renames it for a dialect whose one
    route serves several endpoints (WordPress's ``/wp-json/...``).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        slug: str,
        routes: Sequence[BaseRoute],
        knobs: KnobState,
        stats: RequestStats,
        auth: bool,
        endpoint_of: Callable[[Scope, str], str] | None = None,
    ) -> None:
        self.app = app
        self.endpoint_of = endpoint_of
        self.slug = slug
        self.routes = list(routes)
        self.knobs = knobs
        self.stats = stats
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        endpoint = self._endpoint(scope)
        self.stats.count(self.slug, endpoint)
        response = await self._fault()
        if response is None and not self._authorized(scope, endpoint):
            response = JSONResponse({"message": "Unauthenticated."}, status_code=401)
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def _authorized(self, scope: Scope, endpoint: str) -> bool:
        # Files are public downloads; only the API wants the key.
        if not self.auth or endpoint == "file":
            return True
        return Headers(scope=scope).get(SIM_TOKEN_HEADER) == SIM_TOKEN

    def _endpoint(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                name = getattr(route, "name", None) or "other"
                return self.endpoint_of(scope, name) if self.endpoint_of else name
        return "other"

    async def _fault(self) -> Response | None:
        knobs = self.knobs
        # Drawn on arrival, so which requests fail depends on their order of
        # arrival only, not on how long each one was held or delayed.
        fail = knobs.roll_error()
        if not await knobs.hold():
            return _stopping()
        delay = knobs.delay_s()
        if delay and not await knobs.pause(delay):
            return _stopping()
        if fail:
            return JSONResponse({"message": "Server Error"}, status_code=500)
        if knobs.knobs.garbage:
            return HTMLResponse(_GARBAGE, status_code=200)
        if knobs.knobs.wrong_shape:
            return JSONResponse(_WRONG_SHAPE, status_code=200)
        return None


def _stopping() -> Response:
    return JSONResponse({"message": "Service Unavailable"}, status_code=503)
