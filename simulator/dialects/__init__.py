"""The protocols simulated OPD portals speak, each with the ``rest`` settings that read it.

A dialect module has ``routes(seed)`` (the Starlette routes of its API) and
``connector_block(base_url)`` (the ``connectors.rest`` block that describes
that API exactly). A dialect that can take requests (``laravel``, ``drf``)
also has ``intake_routes(desk)``, ``intake_block()`` and ``INTAKE_FIELDS``.
Keeping both sides in one module is what keeps them in step. The ``files``
dialect has neither: such an OPD serves only its files.
"""

from __future__ import annotations

from typing import Any, Protocol

from starlette.routing import Route

from ..intake import IntakeDesk
from ..plan import Dialect, OpdPlan
from ..seed import OpdSeed
from . import drf, export, laravel

__all__ = ["api_routes", "intake_desk", "intake_routes", "rest_connector_block"]


class _DialectModule(Protocol):
    def routes(self, seed: OpdSeed) -> list[Route]: ...

    def connector_block(self, base_url: str) -> dict[str, Any]: ...


class _IntakeModule(Protocol):
    INTAKE_FIELDS: dict[str, str | None]

    def intake_routes(self, desk: IntakeDesk) -> list[Route]: ...

    def intake_block(self) -> dict[str, Any]: ...


_MODULES: dict[Dialect, _DialectModule] = {Dialect.LARAVEL: laravel, Dialect.DRF: drf, Dialect.EXPORT: export}
_INTAKE: dict[Dialect, _IntakeModule] = {Dialect.LARAVEL: laravel, Dialect.DRF: drf}


def api_routes(dialect: Dialect, seed: OpdSeed) -> list[Route]:
    """The data API routes of an OPD speaking ``dialect`` (none for ``files``)."""
    module = _MODULES.get(dialect)
    return module.routes(seed) if module else []


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
    module = _MODULES.get(dialect)
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
