"""Who speaks what: each OPD's dialect, whether it wants an API key, whether it takes requests.

The serving process, the fleet and the gateway-config renderer all derive
their picture from :func:`make_plan`, so a config always describes the API
the simulator actually serves.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from .directory import OpdInfo, load_opds, opd_index, resolve_slugs
from .seed import IdStyle, OpdSeed, seed_opd

__all__ = [
    "PLAIN_PERMALINKS",
    "REGENCY_DIALECTS",
    "SIM_INTAKE_SECRET",
    "SIM_INTAKE_SECRET_ENV",
    "SIM_INTAKE_SECRET_HEADER",
    "SIM_TOKEN",
    "SIM_TOKEN_ENV",
    "SIM_TOKEN_HEADER",
    "Dialect",
    "OpdPlan",
    "default_auth",
    "default_dialect",
    "default_dialects",
    "default_intake",
    "make_plan",
]

SIM_TOKEN_ENV = "PPID_SIM_TOKEN"
"""The environment variable the gateway reads the simulator's API key from."""
SIM_TOKEN = "simulator-token"
"""The API key every simulated OPD with ``auth`` accepts (fixed: it protects nothing real)."""
SIM_TOKEN_HEADER = "X-API-Key"
"""The header that carries it (the ``api_key`` default of ``connectors.rest``)."""
SIM_INTAKE_SECRET_ENV = "PPID_SIM_INTAKE_SECRET"
"""The environment variable the gateway reads the simulator's intake secret from."""
SIM_INTAKE_SECRET = "simulator-intake-secret"
"""The shared secret every simulated OPD with intake wants (fixed: it protects nothing real)."""
SIM_INTAKE_SECRET_HEADER = "X-PPID-Secret"
"""The header that carries it (``intake.secret_header`` of ``connectors.rest``)."""


class Dialect(enum.Enum):
    """The protocol one simulated OPD portal speaks."""

    LARAVEL = "laravel"
    """A custom Laravel API: page-numbered, Indonesian flat fields, filters and sort upstream."""
    DRF = "drf"
    """A Django REST Framework DMS: limit/offset, nested English fields."""
    EXPORT = "export"
    """A static JSON export: fixed pages linked by a ``Link`` header, nothing filtered upstream."""
    FILES = "files"
    """No data API at all: only files, described to the gateway by a catalog file."""
    WORDPRESS = "wordpress"
    """A WordPress site: documents are media and posts of its REST API v2."""
    CKAN = "ckan"
    """The province's open-data portal (CKAN): the OPD is one organization of it."""
    SQL = "sql"
    """A document-management database the gateway reads directly; the portal serves only files."""

    @property
    def is_rest(self) -> bool:
        """True when the gateway reads this OPD through the generic ``rest`` connector."""
        return self in (Dialect.LARAVEL, Dialect.DRF, Dialect.EXPORT)

    @property
    def connector_kind(self) -> str:
        """The builtin connector kind that reads an OPD of this dialect."""
        return "rest" if self.is_rest else self.value

    @property
    def can_take_requests(self) -> bool:
        """True when an OPD of this dialect may have a request API (intake): ``laravel`` and ``drf``."""
        return self in (Dialect.LARAVEL, Dialect.DRF)


# The fleet's mix: mostly custom APIs, some DMSs, and a tail of OPDs with
# little more than a file server, as on the real province portals.
_MIX = ((Dialect.LARAVEL, 15), (Dialect.DRF, 12), (Dialect.EXPORT, 8), (Dialect.FILES, 8))
# Chosen once so that the OPDs the docs use as examples speak the dialect the
# docs say (dinkes laravel, bappeda drf, dishub export, dpk files).
_SALT = "dialect-27"
# Agencies whose portal is not a custom API, named rather than drawn: websites on
# WordPress (tourism, youth and sports, environment, national unity), the
# province's open-data portal run by Diskominfo (CKAN), and the licensing
# office's document-management database (SQL). None of them takes requests or
# wants an API key in the default plan.
_NAMED = {
    "kesbangpol": Dialect.WORDPRESS,
    "dlhk": Dialect.WORDPRESS,
    "dispar": Dialect.WORDPRESS,
    "dispora": Dialect.WORDPRESS,
    "diskominfo": Dialect.CKAN,
    "dpmptsp": Dialect.SQL,
}
REGENCY_DIALECTS = {
    "lebak-dinkes": Dialect.LARAVEL,
    "lebak-dindikbud": Dialect.DRF,
    "lebak-bappeda": Dialect.EXPORT,
}
"""The portals of the simulated regency's OPDs (:func:`simulator.directory.regency_opds`)."""
PLAIN_PERMALINKS = frozenset({"dlhk"})
"""The WordPress sites without pretty permalinks: the gateway reads them at ``/?rest_route=``."""


@cache
def _drawn_dialects() -> dict[str, Dialect]:
    # OPDs ranked by a hash of their slug and dealt the custom-API mix.
    ranked = sorted(load_opds(), key=lambda opd: hashlib.sha256(f"{_SALT}:{opd.slug}".encode()).hexdigest())
    dialects: dict[str, Dialect] = {}
    start = 0
    for dialect, count in _MIX:
        for opd in ranked[start : start + count]:
            dialects[opd.slug] = dialect
        start += count
    for opd in ranked[start:]:  # a longer directory than the mix: the rest speak laravel
        dialects[opd.slug] = Dialect.LARAVEL
    return dialects


@cache
def default_dialects() -> dict[str, Dialect]:
    """The dialect of every OPD when nothing is configured.

    11 laravel, 11 drf, 7 export, 8 files, 4 wordpress, 1 ckan and 1 sql. The
    named agencies (:data:`_NAMED`) are fixed; the others are ranked by a hash
    of their slug and dealt the custom-API mix, so the assignment is spread
    over every kind of agency and never changes between runs or Python versions.
    """
    dialects = {**_drawn_dialects(), **{slug: d for slug, d in _NAMED.items() if slug in _drawn_dialects()}}
    return dict(sorted(dialects.items(), key=lambda item: opd_index(item[0])))


def default_dialect(slug: str) -> Dialect:
    """The dialect of ``slug`` when nothing is configured: :func:`default_dialects` for a real OPD.

    A generated OPD (``opd-044``) draws its dialect from a hash of its slug
    with the weights of the custom-API mix (laravel, drf, export, files), so a
    large generated fleet stays a fleet of HTTP portals; a regency OPD
    (:mod:`simulator.regency`) has its regency's dialect.
    """
    real = default_dialects()
    if slug in real:
        return real[slug]
    if slug in REGENCY_DIALECTS:
        return REGENCY_DIALECTS[slug]
    opd_index(slug)  # an unknown slug raises here
    draw = int(hashlib.sha256(f"{_SALT}:{slug}".encode()).hexdigest(), 16) % sum(n for _, n in _MIX)
    for dialect, count in _MIX:
        if draw < count:
            return dialect
        draw -= count
    raise AssertionError("unreachable: the draw is below the sum of the mix")


@cache
def default_auth() -> frozenset[str]:
    """The OPDs that check an API key by default: the first laravel and the first drf OPD."""
    chosen: list[str] = []
    for dialect in (Dialect.LARAVEL, Dialect.DRF):
        chosen.append(next(slug for slug, d in default_dialects().items() if d is dialect))
    return frozenset(chosen)


# Chosen once so that dinkes, the docs' example OPD, takes requests, and so
# does bkd, which also wants an API key (both headers on one call).
_INTAKE_SALT = "intake-14"


@cache
def default_intake() -> frozenset[str]:
    """The OPDs that take requests by default: a third of the ``laravel`` and of the ``drf`` OPDs.

    Ranked by a hash of the slug per dialect, as :func:`default_dialects` does,
    so the choice never changes between runs: 5 laravel and 4 drf OPDs,
    ``dinkes`` among them. Generated OPDs take none.
    """
    chosen: list[str] = []
    for dialect in (Dialect.LARAVEL, Dialect.DRF):
        # Counted over the drawn mix, before the named agencies left it, so the choice stays put.
        speakers = [slug for slug, d in _drawn_dialects().items() if d is dialect]
        speakers.sort(key=lambda slug: hashlib.sha256(f"{_INTAKE_SALT}:{slug}".encode()).hexdigest())
        chosen += [slug for slug in speakers[: round(len(speakers) / 3)] if slug not in _NAMED]
    return frozenset(chosen)


@dataclass(frozen=True, slots=True)
class OpdPlan:
    """How one OPD is simulated."""

    opd: OpdInfo
    """The agency."""
    dialect: Dialect
    """The protocol its portal speaks."""
    auth: bool
    """Whether its API answers only with ``X-API-Key: simulator-token``."""
    intake: bool = False
    """Whether it takes information requests over its API (``X-PPID-Secret: simulator-intake-secret``)."""

    @property
    def slug(self) -> str:
        """The OPD's slug."""
        return self.opd.slug

    @property
    def id_style(self) -> IdStyle:
        """The local ids its system mints: numbers (laravel), UUIDs (drf, sql), slugs (export).

        A ``files`` OPD keeps whatever its spreadsheet used: numbers or slugs, by OPD.
        """
        if self.dialect is Dialect.LARAVEL:
            return IdStyle.NUMERIC
        if self.dialect is Dialect.DRF:
            return IdStyle.UUID
        if self.dialect is Dialect.EXPORT:
            return IdStyle.SLUG
        if self.dialect is Dialect.SQL:  # the DMS keys its rows by UUID
            return IdStyle.UUID
        if self.dialect in (Dialect.WORDPRESS, Dialect.CKAN):  # ids of their own; the seed's are not shown
            return IdStyle.NUMERIC
        return IdStyle.NUMERIC if hashlib.sha256(self.slug.encode()).digest()[0] % 2 else IdStyle.SLUG

    def seed(self) -> OpdSeed:
        """The OPD's portal content (cached per process)."""
        return seed_opd(self.opd, self.id_style)


def make_plan(
    slugs: str | Iterable[str] | None = None,
    *,
    dialects: Mapping[str, Dialect | str] | None = None,
    auth: Iterable[str] | None = None,
    intake: Iterable[str] | None = None,
) -> list[OpdPlan]:
    """The plan of the OPDs named by ``slugs`` (default: the 43 real ones), in directory order.

    Generated OPDs (``opd-044``, see :func:`simulator.directory.load_opds`) are planned like real ones.

    ``dialects`` overrides the default dialect of some OPDs; ``auth`` replaces
    the set of OPDs that check an API key (default :func:`default_auth`). Only
    a ``rest`` dialect can check a key: the ``files`` OPDs serve public files.
    ``intake`` replaces the set of OPDs that take requests (default
    :func:`default_intake`); only ``laravel`` and ``drf`` OPDs can.
    """
    opds = resolve_slugs(slugs if slugs is None or isinstance(slugs, str) else list(slugs))
    overrides = {slug: Dialect(value) for slug, value in (dialects or {}).items()}
    for slug in overrides:
        opd_index(slug)
    keyed = default_auth() if auth is None else frozenset(auth)
    taking = default_intake() if intake is None else frozenset(intake)
    plan = []
    for opd in opds:
        dialect = overrides[opd.slug] if opd.slug in overrides else default_dialect(opd.slug)
        plan.append(
            OpdPlan(
                opd=opd,
                dialect=dialect,
                auth=dialect.is_rest and opd.slug in keyed,
                intake=dialect.can_take_requests and opd.slug in taking,
            )
        )
    return plan
