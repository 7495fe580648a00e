"""The OPD directory as the engine sees it: every OPD, and a connector for each active one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import httpx

from connectors import WIB, Connector, OpdRef
from gateway.config import CacheConfig, FederationConfig, GatewayConfig, OpdConfig

__all__ = ["HttpClients", "build_connectors", "directory_config", "today_in_banten"]

HttpClients = httpx.AsyncClient | Callable[[str], httpx.AsyncClient]
"""One HTTP client shared by every connector, or a function giving each OPD (by slug) its own."""


def today_in_banten() -> dt.date:
    """Today's date in Banten (WIB), the day OPD activity dates refer to."""
    return dt.datetime.now(WIB).date()


def build_connectors(
    opds: Sequence[OpdConfig],
    http: HttpClients,
    given: Mapping[str, Connector] | None,
    on: dt.date,
) -> dict[str, Connector]:
    """One connector per OPD active ``on``: from ``given`` when it has one, else from the config.

    ``http`` is one client for every OPD, or a function giving each OPD's own client.
    """
    known = {opd.slug for opd in opds}
    stray = sorted(set(given or ()) - known)
    if stray:
        raise ValueError(f"connectors given for OPDs that are not in the config: {', '.join(stray)}")
    connectors: dict[str, Connector] = {}
    for opd in opds:
        if not opd.is_active(on):
            continue
        if given is not None and opd.slug in given:
            connectors[opd.slug] = given[opd.slug]
            continue
        resolved = opd.resolved_connector
        ref = OpdRef(slug=opd.slug, name=opd.name, website=str(opd.website) if opd.website else None)
        client = http(opd.slug) if callable(http) else http
        connectors[opd.slug] = resolved.cls(ref, resolved.settings, client)
    return connectors


def directory_config(
    slugs: Sequence[str], *, federation: FederationConfig | None = None, cache: CacheConfig | None = None
) -> GatewayConfig:
    """A minimal config naming ``slugs`` (for tests and tools that supply connectors themselves).

    Its connector blocks say ``kind: mock`` and are never resolved: pass the
    connectors to :class:`gateway.federation.Federation` explicitly.
    """
    if not slugs:
        raise ValueError("a directory needs at least one OPD slug")
    return GatewayConfig.model_validate(
        {
            "ppid_utama": slugs[0],
            "federation": federation or FederationConfig(),
            "cache": cache or CacheConfig(),
            "opds": [
                {
                    "slug": slug,
                    "name": f"OPD {slug}",
                    "short_name": slug.upper(),
                    "connector": {"kind": "mock"},
                }
                for slug in slugs
            ],
        }
    )
