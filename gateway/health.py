"""Liveness and readiness endpoints for load balancers and orchestrators."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


async def healthz(request: Request) -> JSONResponse:
    """The process is alive and serving HTTP."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The gateway can serve queries: its config is loaded and its connectors are built.

    Answers 503 until the lifespan has finished starting, so that a load
    balancer sends no traffic to a replica that is still starting.
    """
    federation = getattr(request.app.state, "federation", None)
    if federation is None:
        return JSONResponse({"status": "starting", "checks": {"config": "not loaded"}}, status_code=503)
    return JSONResponse({"status": "ok", "checks": {"config": "ok", "opds": len(federation.opds())}})
