"""Liveness and readiness endpoints for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from cache import ResilientCache

from .ledger import Ledger, LedgerUnavailable
from .ledger.clock import utc_now

logger = logging.getLogger("ppid_gateway.health")

DATABASE_CHECK_TIMEOUT_S = 2.0
"""The longest ``/readyz`` waits for the database before calling it unavailable."""
CACHE_CHECK_TIMEOUT_S = 2.0
"""The longest ``/readyz`` waits for the cache (its own timeouts are shorter)."""


async def healthz(request: Request) -> JSONResponse:
    """The process is alive and serving HTTP."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The gateway can serve queries: its config is loaded and its connectors are built.

    Answers 503 until the lifespan has finished starting, so that a load
    balancer sends no traffic to a replica that is still starting. A
    database that does not answer does not make it 503: federated reads
    still work, so the replica stays in service, ``"status": "degraded"``
    with ``"database": "unavailable"`` (request mutations answer
    ``SERVICE_UNAVAILABLE`` meanwhile). With the database up, ``deliveries``
    shows the outbox backlog: pending and given-up deliveries to OPDs, and
    the age of the oldest pending one. A cache that does not answer
    (Redis) makes it ``degraded`` too, ``"cache": "degraded: <why>"``:
    queries are answered without it, from the OPDs.
    """
    federation = getattr(request.app.state, "federation", None)
    if federation is None:
        return JSONResponse({"status": "starting", "checks": {"config": "not loaded"}}, status_code=503)
    checks: dict[str, object] = {"config": "ok", "opds": len(federation.opds())}
    status = "ok"
    ledger: Ledger | None = getattr(request.app.state, "ledger", None)
    if ledger is not None:
        checks["database"] = await _database_check(ledger)
        if checks["database"] != "ok":
            status = "degraded"
        else:
            checks["deliveries"] = await _deliveries(ledger)
    cache: ResilientCache | None = getattr(request.app.state, "cache", None)
    if cache is not None:
        checks["cache"] = await _cache_check(cache)
        if checks["cache"] != "ok":
            status = "degraded"
    return JSONResponse({"status": status, "checks": checks})


async def _deliveries(ledger: Ledger) -> dict[str, object] | str:
    """The outbox backlog: informative, never a reason to take the replica out of service."""
    try:
        async with asyncio.timeout(DATABASE_CHECK_TIMEOUT_S):
            backlog = await ledger.outbox.backlog()
    except (LedgerUnavailable, TimeoutError):
        return "unknown"
    oldest = backlog.oldest_pending_since
    return {
        "pending": backlog.pending,
        "failed": backlog.failed,
        "oldest_pending_age_s": None if oldest is None else round((utc_now() - oldest).total_seconds()),
    }


async def _cache_check(cache: ResilientCache) -> str:
    """``ok`` or ``degraded: <why>``: the cache is asked now, which also ends its backoff when it answers."""
    try:
        async with asyncio.timeout(CACHE_CHECK_TIMEOUT_S):
            await cache.probe()
    except TimeoutError:
        return f"degraded: the cache at {cache.location} did not answer within {CACHE_CHECK_TIMEOUT_S:g} s"
    return cache.state


NOT_MIGRATED = "not migrated: run `ppid-gateway migrate --config FILE`"
"""The database check when the ledger's schema is behind this release."""


async def _database_check(ledger: Ledger) -> str:
    try:
        async with asyncio.timeout(DATABASE_CHECK_TIMEOUT_S):
            await ledger.ping()
            revision = await ledger.schema_revision()
    except (LedgerUnavailable, TimeoutError) as exc:
        logger.warning(
            "readyz: the request ledger (%s) does not answer: %s", ledger.database, type(exc).__name__
        )
        return "unavailable"
    if revision != Ledger.head_revision():
        # Reads work; request mutations would fail on missing tables until migrated.
        logger.warning(
            "readyz: the request ledger (%s) is at revision %s, not %s",
            ledger.database,
            revision,
            Ledger.head_revision(),
        )
        return NOT_MIGRATED
    return "ok"
