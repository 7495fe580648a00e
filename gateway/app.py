"""The app factory: one Starlette app per process, built from a validated config."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Route

from schema import GraphQLView, build_schema

from . import __version__
from .config import GatewayConfig, load_config
from .federation import Federation
from .health import healthz, readyz
from .upstream_http import UpstreamClients

logger = logging.getLogger("ppid_gateway")

CONFIG_ENV = "PPID_GATEWAY_CONFIG"
"""The variable naming the config file for ``create_app_from_env`` (``serve --workers``)."""


def create_app(config: GatewayConfig) -> Starlette:
    """The gateway's ASGI app for ``config``.

    Connectors and the shared HTTP client are built at startup and closed at
    shutdown (``lifespan``), so nothing lives in module globals.
    """
    schema = build_schema()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with UpstreamClients(config.federation) as clients:
            federation = Federation(config, clients.for_opd)
            app.state.federation = federation
            app.state.config = config
            logger.info("ppid-gateway %s ready: %d OPDs", __version__, len(federation.opds()))
            try:
                yield
            finally:
                await federation.aclose()

    # CORS outermost, so that a browser's preflight is answered before anything else.
    middleware: list[Middleware] = []
    if config.server.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.server.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["content-type", "authorization", "x-api-key"],
                max_age=3600,
            )
        )
    middleware.append(Middleware(GZipMiddleware, minimum_size=config.server.gzip_min_bytes))
    return Starlette(
        middleware=middleware,
        routes=[
            Route("/graphql", GraphQLView(schema), methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def create_app_from_env() -> Starlette:
    """The app for the config file named by ``$PPID_GATEWAY_CONFIG`` (uvicorn ``--factory``)."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise RuntimeError(f"set {CONFIG_ENV} to the path of the gateway's config file")
    return create_app(load_config(path))
