"""Working days in Banten: the unit of every UU KIP deadline.

A working day is Monday to Friday, except Indonesian public holidays and cuti
bersama (the collective leave the government declares each year). The
``holidays`` package supplies both; cuti bersama sits in its ``GOVERNMENT``
category, which must be asked for. Future Islamic dates are estimates and a
decree can add or move a day, so a calendar also takes an override table
(from the database, edited by an admin): dates declared days off and dates
declared working days, which win over the package and over weekends.

Dates are WIB dates (:func:`receipt_date`). "N working days after a date"
never counts that date itself, as UU KIP counts from the day after receipt.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import holidays
from holidays.constants import GOVERNMENT, PUBLIC

__all__ = ["WIB", "WorkingCalendar", "indonesian_days_off", "receipt_date"]

WIB = timezone(timedelta(hours=7), "WIB")
"""Western Indonesia Time, Banten's zone.

A fixed offset rather than ``ZoneInfo("Asia/Jakarta")``: Jakarta has kept UTC+7
without daylight saving since 1964, and a fixed offset needs no tz database on
the host.
"""

_SATURDAY = 5


@functools.lru_cache(maxsize=64)
def indonesian_days_off(year: int) -> frozenset[date]:
    """Indonesia's public holidays and cuti bersama of ``year``, from ``holidays``.

    Cached per year: every calendar (one per override table) shares the sets.
    Includes holidays that fall on a weekend; those change nothing.
    """
    official = holidays.country_holidays("ID", categories=(PUBLIC, GOVERNMENT), years=year)
    return frozenset(official.keys())


def receipt_date(instant: datetime) -> date:
    """The WIB date of an aware instant: 23:30 UTC on a Monday is Tuesday in Banten.

    Raises ``ValueError`` for a naive datetime: its zone is unknown, so its
    date could be off by a day.
    """
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("receipt_date needs an aware datetime (with a time zone), not a naive one")
    return instant.astimezone(WIB).date()


def _weekdays_through(ordinal: int) -> int:
    """How many Monday–Friday dates have ordinals 1..``ordinal`` (ordinal 1 is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@dataclass(frozen=True)
class _YearExceptions:
    """One year's exceptions to "Monday–Friday", as date ordinals."""

    closed_weekdays: tuple[int, ...]
    """Sorted: Monday–Friday dates that are not working days."""
    open_weekend_days: tuple[int, ...]
    """Sorted: Saturdays and Sundays declared working days."""
    closed: frozenset[int]
    opened: frozenset[int]


def _count_in(ordinals: tuple[int, ...], after: int, through: int) -> int:
    """How many of the sorted ``ordinals`` are in ``(after, through]``."""
    return bisect.bisect_right(ordinals, through) - bisect.bisect_right(ordinals, after)


class WorkingCalendar:
    """Working days: Monday–Friday minus holidays and cuti bersama, plus overrides.

    ``days_off`` and ``working_days`` are the override table: dates declared
    days off (a new decree, a corrected estimate) and dates declared working
    days (a holiday moved away, a replacement working Saturday). A date may
    not be in both. ``official`` gives one year's official days off; it is
    :func:`indonesian_days_off` unless a test supplies its own.

    A calendar is immutable; build a new one when the table changes.
    """

    def __init__(
        self,
        *,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        official: Callable[[int], frozenset[date]] = indonesian_days_off,
    ) -> None:
        self._days_off = frozenset(days_off)
        self._working_days = frozenset(working_days)
        both = self._days_off & self._working_days
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"a date cannot be both a day off and a working day: {listed}")
        self._official = official
        self._years: dict[int, _YearExceptions] = {}

    @property
    def days_off(self) -> frozenset[date]:
        """The override table's dates declared days off."""
        return self._days_off

    @property
    def working_days(self) -> frozenset[date]:
        """The override table's dates declared working days."""
        return self._working_days

    def _year(self, year: int) -> _YearExceptions:
        cached = self._years.get(year)
        if cached is None:
            closed = {
                d
                for d in (self._official(year) | self._days_off)
                if d.year == year and d.weekday() < _SATURDAY and d not in self._working_days
            }
            opened = {d for d in self._working_days if d.year == year and d.weekday() >= _SATURDAY}
            closed_ordinals = sorted(d.toordinal() for d in closed)
            opened_ordinals = sorted(d.toordinal() for d in opened)
            cached = _YearExceptions(
                closed_weekdays=tuple(closed_ordinals),
                open_weekend_days=tuple(opened_ordinals),
                closed=frozenset(closed_ordinals),
                opened=frozenset(opened_ordinals),
            )
            self._years[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        """Whether government offices in Banten work on ``day``."""
        exceptions = self._year(day.year)
        ordinal = day.toordinal()
        if day.weekday() >= _SATURDAY:
            return ordinal in exceptions.opened
        return ordinal not in exceptions.closed

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted).

        ``add_working_days(receipt, 10)`` is a request's due date; ``n == 0``
        gives ``start``. Raises ``ValueError`` for a negative ``n``.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        day = start
        remaining = n
        one_day = timedelta(days=1)
        while remaining:
            day += one_day
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days are after ``a`` up to and including ``b``.

        The inverse of :meth:`add_working_days`:
        ``working_days_between(a, add_working_days(a, n)) == n``. Negative when
        ``b`` is before ``a`` (``between(a, b) == -between(b, a)``), so a late
        answer's delay reads as a positive number of working days.
        """
        if b < a:
            return -self.working_days_between(b, a)
        after, through = a.toordinal(), b.toordinal()
        count = _weekdays_through(through) - _weekdays_through(after)
        for year in range(a.year, b.year + 1):
            exceptions = self._year(year)
            count -= _count_in(exceptions.closed_weekdays, after, through)
            count += _count_in(exceptions.open_weekend_days, after, through)
        return count
