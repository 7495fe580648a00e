"""Where a federated list stands in one OPD: the vocabulary of cursors.

A cursor holds one position per selected OPD:

- :class:`Fresh` — nothing read yet (or the OPD never answered): start at the top;
- :class:`InPage` — a streamed source: the next item is item ``skip`` of the
  page the connector returns for ``token`` (``None``: the first page);
  ``index`` items of this OPD came before it;
- :class:`Offset` — a materialized source: the next item is item ``index`` of
  the OPD's whole filtered, sorted list;
- :class:`Exhausted` — every one of the OPD's ``count`` items was read; the
  OPD is not called again for this list, and ``count`` is its total.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FRESH", "Exhausted", "Fresh", "InPage", "Offset", "Position"]


@dataclass(frozen=True, slots=True)
class Fresh:
    """Nothing of this OPD read yet."""


@dataclass(frozen=True, slots=True)
class InPage:
    """The next item is ``skip`` items into the page of ``token``."""

    index: int
    token: str | None
    skip: int


@dataclass(frozen=True, slots=True)
class Offset:
    """The next item is item ``index`` of the OPD's materialized list."""

    index: int


@dataclass(frozen=True, slots=True)
class Exhausted:
    """All ``count`` items of the OPD were read."""

    count: int


Position = Fresh | InPage | Offset | Exhausted

FRESH = Fresh()
