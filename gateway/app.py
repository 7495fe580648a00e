"""The app factory: one Starlette app per process, built from a validated config."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Route

from connectors import Capability
from schema import GraphQLView, build_schema

from . import __version__
from .config import GatewayConfig, PersonalDataConfig, load_config
from .federation import Federation
from .health import healthz, readyz
from .identity.crypto import PersonalDataCipher
from .ledger import Ledger
from .requests import RequestService
from .upstream_http import UpstreamClients

logger = logging.getLogger("ppid_gateway")

CONFIG_ENV = "PPID_GATEWAY_CONFIG"
"""The variable naming the config file for ``create_app_from_env`` (``serve --workers``)."""


class StartupError(RuntimeError):
    """The gateway cannot start as configured; the message says what to fix."""


def personal_data_cipher(
    config: PersonalDataConfig, environ: Mapping[str, str] | None = None
) -> PersonalDataCipher:
    """The cipher of requesters' personal data, from the variables ``config`` names.

    Raises :class:`StartupError` naming the variable when the key is missing
    or malformed (never quoting its value: it is a secret).
    """
    env = os.environ if environ is None else environ
    key = env.get(config.key_env, "").strip()
    if not key:
        raise StartupError(
            f"the personal-data key is missing: set {config.key_env} to a base64 key of 32 bytes, "
            'e.g. the output of `python -c "from gateway.identity.crypto import generate_master_key; '
            'print(generate_master_key())"` (keep it safe: without it no stored request can be read)'
        )
    old: list[str] = []
    if config.old_keys_env is not None:
        old = [part for part in env.get(config.old_keys_env, "").split(",") if part.strip()]
    try:
        return PersonalDataCipher.from_base64(key, old_keys=old)
    except ValueError as exc:
        names = config.key_env + (f" or {config.old_keys_env}" if config.old_keys_env else "")
        raise StartupError(f"{names}: {exc}") from None


def create_app(config: GatewayConfig, *, migrate: bool = False) -> Starlette:
    """The gateway's ASGI app for ``config``.

    Connectors, the shared HTTP client and the request ledger are built at
    startup and closed at shutdown (``lifespan``), so nothing lives in module
    globals. The personal-data key is read here, so a missing key stops the
    gateway before it serves (:class:`StartupError`). The database is not
    required at start: federated reads work without it, and request
    mutations then answer ``SERVICE_UNAVAILABLE``. ``migrate`` applies the
    ledger's migrations at startup (the demo does; production runs
    ``ppid-gateway migrate``).
    """
    schema = build_schema()
    cipher = personal_data_cipher(config.personal_data)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with UpstreamClients(config.federation) as clients:
            federation = Federation(config, clients.for_opd)
            ledger = await Ledger.open(config.database)
            try:
                if migrate:
                    await ledger.migrate()

                def accepts_intake(slug: str) -> bool:
                    connector = federation.connector(slug)
                    return connector is not None and Capability.REQUEST_INTAKE in connector.capabilities

                app.state.ledger = ledger
                app.state.requests = RequestService(ledger, cipher, config, accepts_intake=accepts_intake)
                app.state.federation = federation
                app.state.config = config
                logger.info(
                    "ppid-gateway %s ready: %d OPDs, ledger on %s",
                    __version__,
                    len(federation.opds()),
                    ledger.database,
                )
                yield
            finally:
                await federation.aclose()
                await ledger.aclose()

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
