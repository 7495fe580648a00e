"""The HTTP clients connectors use: one pooled client per OPD.

Per OPD rather than one for all, for two reasons. A bulkhead: a slow OPD
can hold at most its own ``max_connections_per_opd`` connections, never the
whole pool. And speed: httpcore scans every connection of a pool on each
request, so one pool over hundreds of OPDs costs more CPU per call than
hundreds of small pools.
"""

from __future__ import annotations

import asyncio
import ssl
from types import TracebackType

import httpx

from . import __version__
from .config import FederationConfig

__all__ = ["UpstreamClients"]


class UpstreamClients:
    """Builds each OPD's client on first use; closes them all at once."""

    def __init__(self, federation: FederationConfig) -> None:
        self._timeout = httpx.Timeout(federation.opd_timeout_s)
        self._limits = httpx.Limits(
            max_connections=federation.max_connections_per_opd,
            max_keepalive_connections=federation.max_connections_per_opd,
            # Below the 5 s keep-alive timeout of uvicorn, Apache and many others,
            # so the pool rarely reuses a connection the OPD is closing.
            keepalive_expiry=4.0,
        )
        # One TLS context for every client: loading the CA bundle takes tens of
        # milliseconds, which per OPD would slow start-up with hundreds of OPDs.
        self._tls = ssl.create_default_context()
        self._clients: dict[str, httpx.AsyncClient] = {}

    def for_opd(self, slug: str) -> httpx.AsyncClient:
        """The client of OPD ``slug`` (the same one on every call)."""
        client = self._clients.get(slug)
        if client is None:
            client = httpx.AsyncClient(
                timeout=self._timeout,
                limits=self._limits,
                verify=self._tls,
                headers={"User-Agent": f"ppid-gateway/{__version__}"},
                follow_redirects=True,
            )
            self._clients[slug] = client
        return client

    async def aclose(self) -> None:
        """Close every client built so far."""
        clients, self._clients = list(self._clients.values()), {}
        await asyncio.gather(*(client.aclose() for client in clients))

    async def __aenter__(self) -> UpstreamClients:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
