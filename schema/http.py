"""The ``/graphql`` endpoint: GraphQL over HTTP (POST, and GET for queries), GraphiQL for browsers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from .context import GatewayContext


class GraphQLView(GraphQL[GatewayContext, None]):
    """Strawberry's ASGI view with the gateway's per-operation context.

    The engine is read from ``app.state.federation``, which the app's
    lifespan sets at startup.
    """

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GatewayContext:
        state = request.app.state
        return GatewayContext(
            federation=state.federation,
            request=request,
            response=response,
            requests=getattr(state, "requests", None),
        )
