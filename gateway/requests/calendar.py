"""The working calendar of a submission: the official days off plus the ledger's override table.

The table is read in the submission's own transaction, so a decree an admin
entered a moment ago counts. A calendar is rebuilt only when the table
changed, as building one costs more than reading a few rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from gateway.kip.working_days import WorkingCalendar, indonesian_days_off
from gateway.ledger import LedgerTransaction

__all__ = ["CalendarSource", "LedgerCalendarSource"]


class CalendarSource(Protocol):
    """Gives the working calendar in force, inside a ledger transaction."""

    async def calendar(self, tx: LedgerTransaction) -> WorkingCalendar:
        """The calendar with the override table as ``tx`` sees it."""
        ...


class LedgerCalendarSource:
    """Official Indonesian days off (``official``) with the ledger's holiday overrides on top."""

    def __init__(self, *, official: Callable[[int], frozenset[date]] = indonesian_days_off) -> None:
        self._official = official
        self._cached: tuple[dict[date, bool], WorkingCalendar] | None = None

    async def calendar(self, tx: LedgerTransaction) -> WorkingCalendar:
        """The calendar with the override table as ``tx`` sees it."""
        overrides = await tx.holiday_overrides()
        if self._cached is not None and self._cached[0] == overrides:
            return self._cached[1]
        calendar = WorkingCalendar(
            days_off=[day for day, working in overrides.items() if not working],
            working_days=[day for day, working in overrides.items() if working],
            official=self._official,
        )
        self._cached = (overrides, calendar)
        return calendar
