"""The ``/graphql`` endpoint: GraphQL over HTTP (POST, and GET for queries), GraphiQL for browsers.

In front of Strawberry sit the whole-answer cache and automatic persisted
queries (APQ). A request is handled in this order:

1. a hit under the request's *raw* key (its bytes) is answered at once,
   before anything is parsed (:mod:`schema.response_cache`);
2. the GraphQL request is read (JSON body, or ``GET`` parameters) and an APQ
   hash is turned into its query, or refused (:mod:`schema.apq`);
3. a cacheable query is looked up under its *normalized* key;
4. otherwise Strawberry runs it, and a clean answer is kept under both keys.

Strawberry is handed the request as read in step 2 (``parse_http_body``),
so the body is decoded once and a ``GET`` carrying only a hash is not taken
for a browser asking for GraphiQL.
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from gateway.officers import Officer, OfficerDirectory, Unauthenticated, authenticate
from gateway.response_store import ResponseStore

from .apq import PersistedQueries, PersistedQueryError
from .build import schema_version
from .context import GatewayContext
from .operation_shape import shape_of
from .response_cache import (
    MAX_STORED_BYTES,
    NO_STORE,
    VARY,
    RequestHead,
    cacheable_operation,
    clean_result,
    mark_fresh,
    normalized_digest,
    raw_digest,
    send_hit,
)

_NO_OFFICERS = OfficerDirectory(())
_REQUEST_DATA = "ppid.graphql_request"
"""Scope key: the GraphQL request as read (and its APQ hash resolved) before Strawberry runs it."""
_CLEAN = "ppid.clean_result"
"""Scope key: whether the execution's answer had no errors and only fresh upstream answers."""


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's request adapter, with the Starlette request in reach of our hooks."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class GraphQLView(GraphQL[GatewayContext, None]):
    """Strawberry's ASGI view with the gateway's per-operation context, answer cache and APQ.

    The engine is read from ``app.state.federation``, which the app's
    lifespan sets at startup, and the caller's officer key is checked
    against ``app.state.officers`` (never logged). An answer to a request
    that carried a key is marked ``Cache-Control: no-store``. The answer
    store and the APQ store are ``app.state.responses`` and
    ``app.state.persisted_queries``; without them every request runs.
    """

    request_adapter_class = _RequestAdapter

    def __init__(self, schema: BaseSchema, **options: Any) -> None:
        super().__init__(schema, **options)
        self.schema_version = schema_version(schema)
        """Part of every answer's key: a release with another schema never reads this one's answers."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self._answer(request)
        except HTTPException as exc:
            response = PlainTextResponse(exc.reason, status_code=exc.status_code)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        state = request.app.state
        head = RequestHead.of(request.scope)
        if not head.plain:  # a stream, a form, another method: Strawberry's own handling
            return await self._run(request)
        store: ResponseStore | None = getattr(state, "responses", None)
        if store is not None and not (store.enabled and head.anonymous):
            store = None
        raw: str | None = None
        if store is not None:
            material = await request.body() if head.method == "POST" else request.scope["query_string"]
            if material:
                raw = raw_digest(self.schema_version, head.method, material)
                stored = await store.get(raw)
                if stored is not None:
                    return send_hit(head, stored, ttl_s=store.ttl_s, now=store.now())
        data = await self._request_data(request, head)
        if data is None:  # GraphiQL, a batch, or a request Strawberry will refuse with the reason
            return await self._run(request)
        persisted: PersistedQueries | None = getattr(state, "persisted_queries", None)
        if persisted is not None:
            try:
                data.query = await persisted.resolve(data.query, data.extensions)
            except PersistedQueryError as refusal:
                return JSONResponse(
                    refusal.body(),
                    status_code=refusal.status_code,
                    headers={"Cache-Control": NO_STORE, "Vary": VARY},
                )
        request.scope[_REQUEST_DATA] = data
        shape = None if store is None or data.query is None else shape_of(data.query)
        if store is None or shape is None or not cacheable_operation(shape, data.operation_name):
            return await self._run(request)
        normalized = normalized_digest(self.schema_version, shape, data.operation_name, data.variables)
        stored = await store.get(normalized)
        if stored is not None:
            if raw is not None:
                await store.put((raw,), stored)  # the same bytes again will not need a parse
            return send_hit(head, stored, ttl_s=store.ttl_s, now=store.now())
        epoch = await store.epoch()
        response = await self._run(request)
        response.headers["X-Cache"] = "MISS"  # looked up and not found, whether kept now or not
        if response.status_code != 200 or not request.scope.get(_CLEAN):
            return response
        body = bytes(response.body)
        stored = store.make(body)
        # an invalidation while this ran (on any replica) means the answer may hold the old data
        if len(body) <= MAX_STORED_BYTES and await store.epoch() == epoch:
            await store.put((normalized,) if raw is None else (normalized, raw), stored)
        return mark_fresh(head, response, stored, ttl_s=store.ttl_s)

    async def _run(self, request: Request) -> Response:
        """Strawberry's handling; an answer not otherwise marked may not be kept by any cache."""
        response = await self.run(request)
        if "cache-control" not in response.headers:
            response.headers["Cache-Control"] = NO_STORE
        return response

    async def _request_data(self, request: Request, head: RequestHead) -> GraphQLRequestData | None:
        """The one GraphQL request ``request`` carries; ``None`` where Strawberry should answer as it does."""
        if head.method == "GET":
            params = request.query_params
            if "query" not in params and "extensions" not in params:
                return None
            data = self.parse_query_params(params)
        else:
            data = self.parse_json(await request.body())
        if not isinstance(data, dict):
            return None
        query = data.get("query")
        variables = data.get("variables")
        operation_name = data.get("operationName")
        extensions = data.get("extensions")
        if not (
            isinstance(query, str | None)
            and isinstance(variables, dict | None)
            and isinstance(operation_name, str | None)
            and isinstance(extensions, dict | None)
        ):
            return None
        return GraphQLRequestData(
            query=query, variables=variables, operation_name=operation_name, extensions=extensions
        )

    async def parse_http_body(self, request_adapter: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        if isinstance(request_adapter, _RequestAdapter):
            data = request_adapter.request.scope.get(_REQUEST_DATA)
            if isinstance(data, GraphQLRequestData):
                return data
        return await super().parse_http_body(request_adapter)

    def should_render_graphql_ide(self, request: Any) -> bool:
        if isinstance(request, _RequestAdapter) and _REQUEST_DATA in request.request.scope:
            return False  # a GET with an APQ hash and no query is an operation, not a browser
        return super().should_render_graphql_ide(request)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        request.scope[_CLEAN] = clean_result(result.errors, result.extensions)
        return await super().process_result(request, result)

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
            response.headers["Vary"] = VARY
            if officer is not None or refusal is not None:
                response.headers["Cache-Control"] = NO_STORE
        return GatewayContext(
            federation=state.federation,
            request=request,
            response=response,
            requests=getattr(state, "requests", None),
            desk=getattr(state, "desk", None),
            officer=officer,
            officer_refusal=refusal,
            invalidation=getattr(state, "invalidation", None),
        )
