"""Fixtures: one small live fleet, one OPD per dialect, shared by the modules that only read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator import Dialect, Fleet, make_plan


def pick_opd(dialect: Dialect, *, leaking: bool = True, skip: frozenset[str] = frozenset()) -> str:
    """The first OPD speaking ``dialect`` (by default one whose portal leaks an exempt file)."""
    for plan in make_plan():
        leaks = bool(plan.seed().leaked_exempt_ids)
        if plan.dialect is dialect and plan.slug not in skip and (leaks or not leaking):
            return plan.slug
    raise LookupError(f"no {dialect.value} OPD fits")


@pytest.fixture(scope="session")
def dialect_slugs() -> dict[Dialect, str]:
    """One OPD per dialect; the three with an API leak an exempt document's file."""
    return {
        Dialect.LARAVEL: pick_opd(Dialect.LARAVEL),
        Dialect.DRF: pick_opd(Dialect.DRF),
        Dialect.EXPORT: pick_opd(Dialect.EXPORT),
        Dialect.FILES: pick_opd(Dialect.FILES, leaking=False),
    }


@pytest.fixture(scope="session")
def dialect_fleet(dialect_slugs: dict[Dialect, str]) -> Iterator[Fleet]:
    """A running fleet of those four OPDs in two processes; only the laravel one wants the API key."""
    with Fleet(dialect_slugs.values(), processes=2, auth=[dialect_slugs[Dialect.LARAVEL]]) as fleet:
        yield fleet
