"""The protocols simulated OPD portals speak, each with the ``rest`` settings that read it.

A dialect module has ``routes(seed)`` (the Starlette routes of its API) and
``connector_block(base_url)`` (the ``connectors.rest`` block that describes
that API exactly). Keeping both in one module is what keeps them in step.
The ``files`` dialect has neither: such an OPD serves only its files.
"""

from __future__ import annotations

from typing import Any, Protocol

from starlette.routing import Route

from ..plan import Dialect
from ..seed import OpdSeed
from . import drf, export, laravel

__all__ = ["api_routes", "rest_connector_block"]


class _DialectModule(Protocol):
    def routes(self, seed: OpdSeed) -> list[Route]: ...

    def connector_block(self, base_url: str) -> dict[str, Any]: ...


_MODULES: dict[Dialect, _DialectModule] = {Dialect.LARAVEL: laravel, Dialect.DRF: drf, Dialect.EXPORT: export}


def api_routes(dialect: Dialect, seed: OpdSeed) -> list[Route]:
    """The data API routes of an OPD speaking ``dialect`` (none for ``files``)."""
    module = _MODULES.get(dialect)
    return module.routes(seed) if module else []


def rest_connector_block(dialect: Dialect, base_url: str) -> dict[str, Any]:
    """The ``connector:`` block (``kind: rest``) that reads ``dialect`` at ``base_url``."""
    module = _MODULES.get(dialect)
    if module is None:
        raise ValueError(f"dialect {dialect.value!r} has no API for the rest connector")
    return module.connector_block(base_url)
