"""The protocols simulated OPD portals speak, each with the connector settings that read it.

A dialect module has ``routes(seed)`` (the Starlette routes of its API) and
``connector_block(base_url)`` (the ``connector:`` block that describes that
API exactly). A dialect that can take requests (``laravel``, ``drf``) also has
``intake_routes(desk)``, ``intake_block()`` and ``INTAKE_FIELDS``. Keeping both
sides in one module is what keeps them in step. The ``files`` and ``sql``
dialects have no data API: such an OPD's portal serves only its files (the
gateway reads a catalog, or the OPD's database, :mod:`simulator.sql_dms`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, Protocol

from starlette.routing import Route
from starlette.types import Scope

from connectors.records import Document

from .. import sql_dms
from ..directory import OpdInfo
from ..intake import IntakeDesk
from ..plan import PLAIN_PERMALINKS, Dialect, OpdPlan
from ..seed import OpdSeed, seed_opd
from . import ckan, drf, export, laravel, wordpress

__all__ = [
    "SATU_DATA_GUEST",
    "api_routes",
    "connector_block",
    "dms_url_env",
    "endpoint_namer",
    "intake_desk",
    "intake_routes",
    "rest_connector_block",
    "served_documents",
]

SATU_DATA_GUEST = OpdInfo(
    slug="bps-banten",
    name="Badan Pusat Statistik Provinsi Banten",
    short_name="BPS Banten",
    kind="badan",
    website="https://banten.bps.go.id",
)
"""An organization on the simulated Satu Data portal that is not an OPD of the province: its datasets are
there to be left out by the ``ckan`` connector's organization filter."""


class _DialectModule(Protocol):
    def routes(self, seed: OpdSeed) -> list[Route]: ...

    def connector_block(self, base_url: str) -> dict[str, Any]: ...


class _IntakeModule(Protocol):
    INTAKE_FIELDS: dict[str, str | None]

    def intake_routes(self, desk: IntakeDesk) -> list[Route]: ...

    def intake_block(self) -> dict[str, Any]: ...


_REST: dict[Dialect, _DialectModule] = {Dialect.LARAVEL: laravel, Dialect.DRF: drf, Dialect.EXPORT: export}
_INTAKE: dict[Dialect, _IntakeModule] = {Dialect.LARAVEL: laravel, Dialect.DRF: drf}


@cache
def _guest_seed() -> OpdSeed:
    return seed_opd(SATU_DATA_GUEST)


def api_routes(dialect: Dialect, seed: OpdSeed) -> list[Route]:
    """The data API routes of an OPD speaking ``dialect`` (none for ``files`` and ``sql``).

    A ``ckan`` OPD's portal is the province's Satu Data portal: it hosts the
    OPD's organization and :data:`SATU_DATA_GUEST`'s.
    """
    if dialect is Dialect.WORDPRESS:
        return wordpress.routes(seed)
    if dialect is Dialect.CKAN:
        return ckan.routes(seed, _guest_seed())
    module = _REST.get(dialect)
    return module.routes(seed) if module else []


def endpoint_namer(dialect: Dialect) -> Callable[[Scope, str], str] | None:
    """How requests to a portal of ``dialect`` are counted, when its route names do not say it."""
    if dialect is Dialect.WORDPRESS:
        return wordpress.endpoint_name
    if dialect is Dialect.CKAN:
        return ckan.endpoint_name
    return None


def served_documents(plan: OpdPlan) -> list[Document]:
    """The documents of ``plan``'s OPD as the gateway's connector reads them (its ids, its years).

    WordPress and CKAN give documents ids of their own; every other dialect
    keeps the seed's. The DMS has no column for an exemption ground. Links
    (file and page URLs) are left as the seed's: absolute URLs depend on
    where the portal runs.
    """
    seed = plan.seed()
    if plan.dialect is Dialect.WORDPRESS:
        return wordpress.served_documents(seed)
    if plan.dialect is Dialect.CKAN:
        return ckan.served_documents(seed)
    if plan.dialect is Dialect.SQL:
        return [doc.model_copy(update={"exemption_ground": None}) for doc in seed.documents]
    return list(seed.documents)


def dms_url_env(slug: str) -> str:
    """The environment variable the gateway reads a ``sql`` OPD's database URL from."""
    return "PPID_SIM_DMS_URL_" + slug.upper().replace("-", "_")


def connector_block(plan: OpdPlan, base_url: str) -> dict[str, Any]:
    """The ``connector:`` block that reads ``plan``'s OPD, whose portal is at ``base_url``.

    ``files`` OPDs are not covered: their block names a catalog file
    (:mod:`simulator.gateway_config`). A ``sql`` OPD's block reads its
    database URL from :func:`dms_url_env`.
    """
    if plan.dialect is Dialect.WORDPRESS:
        return wordpress.connector_block(base_url, pretty_permalinks=plan.slug not in PLAIN_PERMALINKS)
    if plan.dialect is Dialect.CKAN:
        return ckan.connector_block(base_url, plan.slug)
    if plan.dialect is Dialect.SQL:
        return sql_dms.connector_block(url_env=dms_url_env(plan.slug))
    return rest_connector_block(plan.dialect, base_url, intake=plan.intake)


def intake_desk(plan: OpdPlan) -> IntakeDesk:
    """An empty request desk for ``plan``'s OPD, reading bodies the way its dialect names fields."""
    return IntakeDesk(plan, _intake_module(plan.dialect).INTAKE_FIELDS)


def intake_routes(dialect: Dialect, desk: IntakeDesk) -> list[Route]:
    """The request API routes of an OPD with intake speaking ``dialect``, over ``desk``."""
    return _intake_module(dialect).intake_routes(desk)


def rest_connector_block(dialect: Dialect, base_url: str, *, intake: bool = False) -> dict[str, Any]:
    """The ``connector:`` block (``kind: rest``) that reads ``dialect`` at ``base_url``.

    With ``intake``, it also delivers requests to the OPD (an ``intake:`` block).
    """
    module = _REST.get(dialect)
    if module is None:
        raise ValueError(f"dialect {dialect.value!r} has no API for the rest connector")
    block = module.connector_block(base_url)
    if intake:
        block["intake"] = _intake_module(dialect).intake_block()
    return block


def _intake_module(dialect: Dialect) -> _IntakeModule:
    module = _INTAKE.get(dialect)
    if module is None:
        raise ValueError(f"dialect {dialect.value!r} takes no requests")
    return module
