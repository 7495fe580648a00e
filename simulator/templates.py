"""The Indonesian titles and texts an OPD portal is seeded from.

The tables live in ``data/templates.yaml`` (text is data); this module gives
them types. Placeholders are documented at the top of that file.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from connectors.records import InformationCategory

__all__ = [
    "PERIODS",
    "YEARS",
    "DipTemplate",
    "DocTemplate",
    "Expansion",
    "SharedDocument",
    "TemplateBook",
    "template_book",
]

YEARS = tuple(range(2019, 2027))
"""The years the simulated portals hold documents for."""
PERIODS = (("2019–2023", 2019), ("2024–2026", 2024))
"""Planning periods (RPJMD/Renstra) and the year each starts."""


class Expansion(enum.Enum):
    """How many documents one template yields."""

    EACH_YEAR = "each_year"
    """One per year of :data:`YEARS`."""
    SEMESTER = "semester"
    """Two per year."""
    QUARTER = "quarter"
    """Four per year."""
    SOME_MONTHS = "some_months"
    """Three months of each year, picked by the seed."""
    ONCE = "once"
    """One, in a year picked by the seed."""
    PERIOD = "period"
    """One per planning period of :data:`PERIODS`."""


@dataclass(frozen=True, slots=True)
class DocTemplate:
    """A family of documents an OPD publishes (``Laporan Keuangan {short} Tahun {year}``)."""

    title: str
    type: str
    category: InformationCategory
    summary: str
    expansion: Expansion = Expansion.EACH_YEAR
    ground: str | None = None
    """For ``DIKECUALIKAN``: the letter of Pasal 17 it rests on."""


@dataclass(frozen=True, slots=True)
class SharedDocument:
    """A document many OPDs publish with the same title at the same minute (ties across the fleet)."""

    title: str
    type: str
    category: InformationCategory
    summary: str
    year: int
    published: dt.datetime
    share: float
    """The fraction of OPDs that publish it."""


@dataclass(frozen=True, slots=True)
class DipTemplate:
    """A DIP row with no document on the portal (``Struktur Organisasi {short}``)."""

    title: str
    category: InformationCategory
    yearly: bool
    """One row per year rather than one in all."""


@dataclass(frozen=True, slots=True)
class TemplateBook:
    """Every table of ``data/templates.yaml``."""

    shared: tuple[SharedDocument, ...]
    generic: tuple[DocTemplate, ...]
    themes: dict[str, tuple[DocTemplate, ...]]
    theme_by_slug: dict[str, str]
    information_list: tuple[DipTemplate, ...]
    holding_units: tuple[str, ...]
    missions: tuple[str, ...]
    regions: tuple[str, ...]

    def theme_of(self, slug: str) -> str:
        """The subject an OPD publishes about; ``governance`` for secretariat units and the like."""
        return self.theme_by_slug.get(slug, "governance")

    def documents_for(self, slug: str) -> tuple[DocTemplate, ...]:
        """The generic templates followed by those of the OPD's theme."""
        return self.generic + self.themes[self.theme_of(slug)]


def _doc(row: dict[str, Any]) -> DocTemplate:
    return DocTemplate(
        title=row["title"],
        type=row["type"],
        category=InformationCategory[row["category"]],
        summary=row["summary"],
        expansion=Expansion(row.get("expansion", "each_year")),
        ground=row.get("ground"),
    )


@cache
def template_book() -> TemplateBook:
    """The templates, read once per process."""
    text = resources.files("simulator").joinpath("data/templates.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return TemplateBook(
        shared=tuple(
            SharedDocument(
                title=row["title"],
                type=row["type"],
                category=InformationCategory[row["category"]],
                summary=row["summary"],
                year=int(row["year"]),
                published=dt.datetime.fromisoformat(row["published"]),
                share=float(row["share"]),
            )
            for row in raw["shared"]
        ),
        generic=tuple(_doc(row) for row in raw["generic"]),
        themes={name: tuple(_doc(row) for row in rows) for name, rows in raw["themes"].items()},
        theme_by_slug=dict(raw["theme_of"]),
        information_list=tuple(
            DipTemplate(row["title"], InformationCategory[row["category"]], bool(row["yearly"]))
            for row in raw["information_list"]
        ),
        holding_units=tuple(raw["holding_units"]),
        missions=tuple(raw["missions"]),
        regions=tuple(raw["regions"]),
    )
