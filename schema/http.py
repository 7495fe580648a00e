"""The ``/graphql`` endpoint: GraphQL over HTTP (POST, and GET for queries), GraphiQL for browsers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gateway.officers import Officer, OfficerDirectory, Unauthenticated, authenticate

from .context import GatewayContext

_NO_OFFICERS = OfficerDirectory(())


class GraphQLView(GraphQL[GatewayContext, None]):
    """Strawberry's ASGI view with the gateway's per-operation context.

    The engine is read from ``app.state.federation``, which the app's
    lifespan sets at startup, and the caller's officer key is checked
    against ``app.state.officers`` (never logged). An answer to a request
    that carried a key is marked ``Cache-Control: no-store``.
    """

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GatewayContext:
        state = request.app.state
        officer: Officer | None = None
        refusal: Unauthenticated | None = None
        directory: OfficerDirectory = getattr(state, "officers", None) or _NO_OFFICERS
        try:
            officer = authenticate(request.headers, directory)
        except Unauthenticated as exc:
            refusal = exc
        if isinstance(response, Response):
            # GET answers may be cached by URL; one to an officer holds personal data, so never by a cache
            # (a shared cache leaves Authorization alone by itself, but not X-API-Key)
            response.headers["Vary"] = "Authorization, X-API-Key"
            if officer is not None or refusal is not None:
                response.headers["Cache-Control"] = "no-store"
        return GatewayContext(
            federation=state.federation,
            request=request,
            response=response,
            requests=getattr(state, "requests", None),
            desk=getattr(state, "desk", None),
            officer=officer,
            officer_refusal=refusal,
        )
