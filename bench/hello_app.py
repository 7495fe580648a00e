"""The baseline of the cached-throughput ratio: a bare Strawberry ``{ hello }`` on Starlette.

Served by the same uvicorn, with the same settings, as ``ppid-gateway serve``
(one worker, log level ``info``), so that the ratio measures what the
gateway does per request beyond the least a Strawberry endpoint costs.
"""

from __future__ import annotations

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "Hello, Banten"


app = Starlette(routes=[Route("/graphql", GraphQL(strawberry.Schema(query=Query)), methods=["GET", "POST"])])
