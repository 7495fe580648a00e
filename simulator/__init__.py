"""A fleet of simulated Banten OPD portals over real HTTP, for the demo, tests and benchmarks.

Each OPD speaks one dialect (a Laravel API, a Django REST Framework DMS, a
static JSON export, or only files described by a catalog), serves seeded
documents, a DIP and a PPID profile, and misbehaves on demand (latency,
errors, hangs, garbage, down). A third of the Laravel and DRF portals also take
information requests over a FOIA-style request API (:mod:`simulator.intake`). Start with :class:`Fleet` and
:func:`render_gateway_config`; ``python -m simulator --help`` for the CLI.
"""

from .catalogs import write_catalogs
from .fleet import Fleet, FleetError
from .gateway_config import fixed_endpoints, render_config_yaml, render_gateway_config
from .knobs import Knobs
from .plan import (
    SIM_INTAKE_SECRET,
    SIM_INTAKE_SECRET_ENV,
    SIM_INTAKE_SECRET_HEADER,
    SIM_TOKEN,
    SIM_TOKEN_ENV,
    SIM_TOKEN_HEADER,
    Dialect,
    OpdPlan,
    make_plan,
)
from .seed import OpdSeed, seed_opd

__all__ = [
    "SIM_INTAKE_SECRET",
    "SIM_INTAKE_SECRET_ENV",
    "SIM_INTAKE_SECRET_HEADER",
    "SIM_TOKEN",
    "SIM_TOKEN_ENV",
    "SIM_TOKEN_HEADER",
    "Dialect",
    "Fleet",
    "FleetError",
    "Knobs",
    "OpdPlan",
    "OpdSeed",
    "fixed_endpoints",
    "make_plan",
    "render_config_yaml",
    "render_gateway_config",
    "seed_opd",
    "write_catalogs",
]
