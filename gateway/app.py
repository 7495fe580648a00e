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

from cache import open_cache
from connectors import Capability
from schema import GraphQLView, build_schema
from schema.apq import PersistedQueries

from . import __version__
from .config import GatewayConfig, PersonalDataConfig, load_config
from .delivery import BackgroundDelivery, DeliveryWorker, StatusSync
from .federation import Federation
from .health import healthz, readyz
from .identity.crypto import PersonalDataCipher
from .invalidation import CacheInvalidation
from .ledger import Ledger
from .officers import OfficerDirectory
from .requests import AccessCodeGuard, LedgerCalendarSource, OfficerDesk, RequestService
from .response_store import ResponseStore
from .upstream_http import UpstreamClients
from .webhooks import OpdWebhook, webhook_secrets

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
    officers = OfficerDirectory.from_config(config)
    webhook = OpdWebhook(config, webhook_secrets(config))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with UpstreamClients(config.federation) as clients:
            # one cache per process; while its Redis does not answer, the gateway answers without it
            cache = await open_cache(config.cache)
            federation = Federation(config, clients.for_opd, cache=cache)
            ledger = await Ledger.open(config.database)
            # wrong access codes are counted where cache.url says: Redis shares the counts between replicas
            guard = AccessCodeGuard.from_config(config)
            try:
                if migrate:
                    await ledger.migrate()

                def accepts_intake(slug: str) -> bool:
                    connector = federation.connector(slug)
                    return connector is not None and Capability.REQUEST_INTAKE in connector.capabilities

                # one calendar for receipts and extensions, so both count the same working days
                calendar = LedgerCalendarSource()
                app.state.ledger = ledger
                app.state.requests = RequestService(
                    ledger,
                    cipher,
                    config,
                    accepts_intake=accepts_intake,
                    access_code_guard=guard,
                    calendar=calendar,
                )
                app.state.desk = OfficerDesk(
                    ledger, cipher, config, accepts_intake=accepts_intake, calendar=calendar
                )
                app.state.officers = officers
                app.state.cache = cache
                # whole answers and APQ queries live in the shared cache, so every replica reuses them
                responses = ResponseStore(cache, config.cache.response_ttl_s)
                app.state.responses = responses
                app.state.persisted_queries = PersistedQueries(cache, config.cache.apq_ttl_s)
                app.state.invalidation = CacheInvalidation(federation, responses)
                app.state.federation = federation
                app.state.config = config
                logger.info(
                    "ppid-gateway %s ready: %d OPDs, %d officers, ledger on %s",
                    __version__,
                    len(federation.opds()),
                    len(officers),
                    ledger.database,
                )
                async with _background_delivery(config, ledger, cipher, federation) as delivery:
                    app.state.delivery = delivery
                    yield
            finally:
                await federation.aclose()
                await ledger.aclose()
                await guard.aclose()
                await cache.aclose()

    # CORS outermost, so that a browser's preflight is answered before anything else.
    middleware: list[Middleware] = []
    if config.server.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.server.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["content-type", "authorization", "x-api-key"],
                expose_headers=["etag", "age", "x-cache"],
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
            Route("/hooks/opd/{slug}", webhook.handle, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


def _background_delivery(
    config: GatewayConfig, ledger: Ledger, cipher: PersonalDataCipher, federation: Federation
) -> contextlib.AbstractAsyncContextManager[BackgroundDelivery | None]:
    """The outbox worker and status sync of this process, or nothing when ``delivery.enabled`` is off."""
    if not config.delivery.enabled:
        return contextlib.nullcontext()
    worker = DeliveryWorker(ledger, cipher, federation.connector, config.delivery)
    slugs = [opd.slug for opd in config.opds]
    status_sync = StatusSync(ledger, federation.connector, lambda: slugs, config.delivery)
    return BackgroundDelivery(worker, status_sync)


def create_app_from_env() -> Starlette:
    """The app for the config file named by ``$PPID_GATEWAY_CONFIG`` (uvicorn ``--factory``)."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise RuntimeError(f"set {CONFIG_ENV} to the path of the gateway's config file")
    return create_app(load_config(path))
