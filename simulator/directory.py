"""The OPDs the simulator knows: Banten's 43 agencies, read from package data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

__all__ = ["OpdInfo", "UnknownOpdError", "load_opds", "opd_directory", "opd_index", "resolve_slugs"]


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
        super().__init__(
            f"unknown OPD slug {slug!r}; the simulator knows: {', '.join(o.slug for o in load_opds())}"
        )
        self.slug = slug


@cache
def load_opds() -> tuple[OpdInfo, ...]:
    """Every OPD in file order (the order fixes ports in ``serve-fleet`` and config)."""
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


def opd_directory() -> list[dict[str, str]]:
    """The directory as plain rows (``slug``, ``name``, ``short_name``, ``kind``, ``website``)."""
    return [
        {"slug": o.slug, "name": o.name, "short_name": o.short_name, "kind": o.kind, "website": o.website}
        for o in load_opds()
    ]


@cache
def _by_slug() -> dict[str, tuple[int, OpdInfo]]:
    return {opd.slug: (index, opd) for index, opd in enumerate(load_opds())}


def opd_index(slug: str) -> int:
    """The position of ``slug`` in the directory; ``serve-fleet`` puts it on ``base_port + index``."""
    try:
        return _by_slug()[slug][0]
    except KeyError:
        raise UnknownOpdError(slug) from None


def resolve_slugs(slugs: str | list[str] | tuple[str, ...] | None) -> list[OpdInfo]:
    """The OPDs named by ``slugs`` (a list or a comma-separated string; ``None`` or ``all``: every OPD).

    Keeps the directory order, whatever order the caller gave, so that ports
    and configs do not depend on how a command line was typed.
    """
    if slugs is None or slugs == "all":
        return list(load_opds())
    wanted = [s.strip() for s in slugs.split(",")] if isinstance(slugs, str) else list(slugs)
    wanted = [s for s in wanted if s]
    for slug in wanted:
        opd_index(slug)
    chosen = set(wanted)
    return [opd for opd in load_opds() if opd.slug in chosen]
