"""The OPDs the simulator knows: Banten's 43 agencies, read from package data.

Past them, for benchmarks of a larger province, the directory goes on with
generated OPDs: number 44 is ``opd-044``, number 1000 ``opd-1000``. A
generated OPD is made from its number alone, so every process (the fleet's
children, the config renderer) agrees on it without being told; its kind
follows the real directory's, and its portal is seeded like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

__all__ = [
    "GENERATED_PREFIX",
    "REGENCY_NAME",
    "REGENCY_PREFIX",
    "OpdInfo",
    "UnknownOpdError",
    "generated_opd",
    "load_opds",
    "opd_directory",
    "opd_index",
    "regency_opds",
    "resolve_slugs",
]

GENERATED_PREFIX = "opd-"
"""The slug of generated OPD number N is ``opd-NNN`` (at least three digits)."""
_GENERATED_SLUG = re.compile(r"opd-([0-9]{3,})")
REGENCY_PREFIX = "lebak"
"""The simulated regency's slug: its OPDs are ``lebak-dinkes``… here and in the province's config."""
REGENCY_NAME = "Kabupaten Lebak"
"""The simulated regency, whose own gateway the province federates (:mod:`simulator.regency`)."""
_REGENCY_INDEX = 1000
"""Regency OPDs are numbered from here, clear of the province's real and generated OPDs."""


@dataclass(frozen=True, slots=True)
class OpdInfo:
    """One agency as ``data/banten-opds.yaml`` lists it."""

    slug: str
    """Short identifier, the first half of every global id (``dinkes``)."""
    name: str
    """Full name (``Dinas Kesehatan``)."""
    short_name: str
    """Short name (``Dinkes``)."""
    kind: str
    """Kind of unit: ``badan``, ``biro``, ``dinas``, ``rsud``..."""
    website: str
    """The agency's public website."""


class UnknownOpdError(LookupError):
    """A slug that is not in the directory."""

    def __init__(self, slug: str) -> None:
        real = load_opds()
        super().__init__(
            f"unknown OPD slug {slug!r}; the simulator knows: {', '.join(o.slug for o in real)}, "
            f"and the generated {GENERATED_PREFIX}{len(real) + 1:03d}, {GENERATED_PREFIX}{len(real) + 2:03d}…"
        )
        self.slug = slug


@cache
def load_opds(count: int | None = None) -> tuple[OpdInfo, ...]:
    """Every real OPD in file order (the order fixes ports in ``serve-fleet`` and config).

    With ``count``: the first ``count`` OPDs of the directory, the real ones
    first, then as many generated ones as it takes (``load_opds(500)`` is
    the 43 real OPDs and ``opd-044`` to ``opd-500``).
    """
    if count is not None:
        if count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        real = load_opds()
        return real[:count] + tuple(generated_opd(n) for n in range(len(real) + 1, count + 1))
    text = resources.files("simulator").joinpath("data/banten-opds.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return tuple(
        OpdInfo(
            slug=str(row["slug"]),
            name=str(row["name"]),
            short_name=str(row["short_name"]),
            kind=str(row["kind"]),
            website=str(row["website"]),
        )
        for row in raw["opds"]
    )


_KIND_WORDS = {"rsud": "RSUD"}


@cache
def generated_opd(number: int) -> OpdInfo:
    """Generated OPD number ``number`` (counting from 1 over the whole directory; past the real ones).

    Its kind is that of real OPD ``(number - 1) % 43``, so a large directory
    has the real one's mix of kinds; its name says it is simulated.
    """
    real = load_opds()
    if number <= len(real):
        raise ValueError(f"OPDs 1 to {len(real)} are real; generated OPDs start at {len(real) + 1}")
    kind = real[(number - 1) % len(real)].kind
    slug = f"{GENERATED_PREFIX}{number:03d}"
    return OpdInfo(
        slug=slug,
        name=f"{_KIND_WORDS.get(kind, kind.capitalize())} Simulasi {number:03d}",
        short_name=f"Sim{number:03d}",
        kind=kind,
        website=f"https://{slug}.simulasi.example",
    )


def _generated_number(slug: str) -> int | None:
    match = _GENERATED_SLUG.fullmatch(slug)
    if match is None:
        return None
    number = int(match.group(1))
    # One slug per OPD: opd-044, never opd-0044; and never a number of a real OPD.
    if f"{GENERATED_PREFIX}{number:03d}" != slug or number <= len(load_opds()):
        return None
    return number


@cache
def regency_opds() -> tuple[OpdInfo, ...]:
    """The OPDs of the simulated regency, with province-wide slugs (``lebak-dinkes``).

    Its own gateway names them without the prefix (``dinkes``). They are not
    part of :func:`load_opds`: the province reaches them through that gateway.
    """
    site = "lebakkab.go.id"
    rows = (
        ("dinkes", "Dinas Kesehatan", "Dinkes", "dinas"),
        ("dindikbud", "Dinas Pendidikan dan Kebudayaan", "Dindikbud", "dinas"),
        ("bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "badan"),
    )
    return tuple(
        OpdInfo(
            slug=f"{REGENCY_PREFIX}-{slug}",
            name=f"{name} {REGENCY_NAME}",
            short_name=f"{short} Lebak",
            kind=kind,
            website=f"https://{slug}.{site}",
        )
        for slug, name, short, kind in rows
    )


def opd_directory() -> list[dict[str, str]]:
    """The directory as plain rows (``slug``, ``name``, ``short_name``, ``kind``, ``website``)."""
    return [
        {"slug": o.slug, "name": o.name, "short_name": o.short_name, "kind": o.kind, "website": o.website}
        for o in load_opds()
    ]


@cache
def _by_slug() -> dict[str, tuple[int, OpdInfo]]:
    found = {opd.slug: (index, opd) for index, opd in enumerate(load_opds())}
    found.update({opd.slug: (_REGENCY_INDEX + n, opd) for n, opd in enumerate(regency_opds())})
    return found


def opd_index(slug: str) -> int:
    """The position of ``slug`` in the directory; ``serve-fleet`` puts it on ``base_port + index``."""
    return _find(slug)[0]


def _find(slug: str) -> tuple[int, OpdInfo]:
    found = _by_slug().get(slug)
    if found is not None:
        return found
    number = _generated_number(slug)
    if number is None:
        raise UnknownOpdError(slug)
    return number - 1, generated_opd(number)


def resolve_slugs(slugs: str | list[str] | tuple[str, ...] | None) -> list[OpdInfo]:
    """The OPDs named by ``slugs`` (a list or a comma-separated string; ``None`` or ``all``: every real OPD).

    Generated slugs (``opd-044``) are welcome. Keeps the directory order,
    whatever order the caller gave, so that ports and configs do not depend
    on how a command line was typed.
    """
    if slugs is None or slugs == "all":
        return list(load_opds())
    wanted = [s.strip() for s in slugs.split(",")] if isinstance(slugs, str) else list(slugs)
    found = sorted({_find(slug) for slug in wanted if slug}, key=lambda pair: pair[0])
    return [opd for _, opd in found]
