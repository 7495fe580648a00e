"""Working days in Banten: weekends, holidays, cuti bersama, overrides, and the WIB date of receipt."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.kip.working_days import WIB, WorkingCalendar, indonesian_days_off, receipt_date

CALENDAR = WorkingCalendar()
# 2024–2027: the years the installed holidays data has decreed (not estimated) cuti bersama for
around_now = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 10, 31))
year_ends = st.builds(
    lambda year, offset: date(year, 12, 31) + timedelta(days=offset),
    st.integers(2023, 2026),
    st.integers(-20, 20),
)
starts = st.one_of(around_now, year_ends)
working_day_counts = st.integers(0, 40)


def brute_force_between(calendar: WorkingCalendar, a: date, b: date) -> int:
    """Working days after ``a`` through ``b``, one by one."""
    return sum(calendar.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


# -- the installed data ---------------------------------------------------------------------------


def test_cuti_bersama_of_idul_fitri_2026_are_days_off_though_not_public_holidays() -> None:
    public_only = holidays.country_holidays("ID", years=2026)
    for day in (date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)):
        assert day.weekday() < 5
        assert day not in public_only, "cuti bersama come only from the GOVERNMENT category"
        assert day in indonesian_days_off(2026)
        assert not CALENDAR.is_working_day(day)


def test_cuti_bersama_of_idul_fitri_2025_and_christmas_2025_are_days_off() -> None:
    for day in (date(2025, 4, 2), date(2025, 4, 3), date(2025, 4, 4), date(2025, 4, 7), date(2025, 12, 26)):
        assert not CALENDAR.is_working_day(day)


def test_public_holidays_on_weekdays_are_days_off() -> None:
    assert not CALENDAR.is_working_day(date(2026, 1, 1))  # New Year's Day, a Thursday
    assert not CALENDAR.is_working_day(date(2026, 8, 17))  # Independence Day, a Monday
    assert not CALENDAR.is_working_day(date(2026, 4, 3))  # Good Friday


def test_ordinary_weekdays_work_and_weekends_do_not() -> None:
    assert CALENDAR.is_working_day(date(2026, 3, 25))  # Wednesday after Idul Fitri leave
    assert not CALENDAR.is_working_day(date(2026, 3, 28))  # Saturday
    assert not CALENDAR.is_working_day(date(2026, 3, 29))  # Sunday


# -- adding and counting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Nyepi and Idul Fitri 2026: 18, 19, 20, 23, 24 March off; Good Friday 3 April
        (date(2026, 3, 13), 10, date(2026, 4, 6)),
        (date(2026, 3, 13), 17, date(2026, 4, 15)),
        # across the year end: Christmas, its cuti bersama, New Year's Day
        (date(2025, 12, 24), 10, date(2026, 1, 12)),
        # Nyepi cuti bersama, Idul Fitri 2025 and its four cuti bersama, Good Friday
        (date(2025, 3, 27), 10, date(2025, 4, 22)),
        (date(2026, 3, 13), 0, date(2026, 3, 13)),
        (date(2026, 3, 14), 1, date(2026, 3, 16)),  # received on a Saturday
    ],
)
def test_add_working_days_skips_weekends_holidays_and_cuti_bersama(
    start: date, n: int, expected: date
) -> None:
    assert CALENDAR.add_working_days(start, n) == expected


def test_the_day_of_receipt_is_not_counted() -> None:
    monday = date(2026, 6, 8)
    assert CALENDAR.add_working_days(monday, 1) == date(2026, 6, 9)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        CALENDAR.add_working_days(date(2026, 1, 5), -1)


@given(starts, working_day_counts)
def test_counting_the_days_added_gives_back_the_count(start: date, n: int) -> None:
    due = CALENDAR.add_working_days(start, n)
    assert CALENDAR.working_days_between(start, due) == n
    assert CALENDAR.working_days_between(due, start) == -n


@given(starts, st.integers(1, 40))
def test_a_due_date_is_a_working_day_after_the_start(start: date, n: int) -> None:
    due = CALENDAR.add_working_days(start, n)
    assert due > start
    assert CALENDAR.is_working_day(due)
    # and it is the first day on which the count reaches n
    assert CALENDAR.working_days_between(start, due - timedelta(days=1)) == n - 1


@given(starts, working_day_counts)
def test_adding_is_strictly_monotonic_in_the_count(start: date, n: int) -> None:
    assert CALENDAR.add_working_days(start, n) < CALENDAR.add_working_days(start, n + 1)


@given(starts, starts, working_day_counts)
def test_adding_is_monotonic_in_the_start(a: date, b: date, n: int) -> None:
    earlier, later = sorted((a, b))
    assert CALENDAR.add_working_days(earlier, n) <= CALENDAR.add_working_days(later, n)


@given(starts, st.integers(0, 400), st.integers(0, 400))
def test_counting_is_additive_and_matches_counting_one_by_one(a: date, ab: int, bc: int) -> None:
    b, c = a + timedelta(days=ab), a + timedelta(days=ab + bc)
    assert CALENDAR.working_days_between(a, c) == brute_force_between(CALENDAR, a, c)
    assert CALENDAR.working_days_between(a, c) == (
        CALENDAR.working_days_between(a, b) + CALENDAR.working_days_between(b, c)
    )


@settings(max_examples=30, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 1, 1)), st.integers(0, 800))
def test_counting_over_decades_matches_counting_one_by_one(a: date, days: int) -> None:
    b = a + timedelta(days=days)
    assert CALENDAR.working_days_between(a, b) == brute_force_between(CALENDAR, a, b)


def test_the_same_day_counts_zero() -> None:
    assert CALENDAR.working_days_between(date(2026, 3, 20), date(2026, 3, 20)) == 0


# -- overrides ------------------------------------------------------------------------------------


def test_a_date_added_as_a_day_off_is_skipped() -> None:
    decree = date(2026, 6, 10)  # an ordinary Wednesday
    calendar = WorkingCalendar(days_off=[decree])
    assert CALENDAR.is_working_day(decree)
    assert not calendar.is_working_day(decree)
    assert calendar.add_working_days(date(2026, 6, 9), 1) == date(2026, 6, 11)
    assert calendar.working_days_between(date(2026, 6, 8), date(2026, 6, 12)) == 3


def test_a_holiday_declared_a_working_day_counts() -> None:
    cuti = date(2026, 3, 24)
    calendar = WorkingCalendar(working_days=[cuti])
    assert calendar.is_working_day(cuti)
    assert calendar.add_working_days(date(2026, 3, 17), 1) == cuti
    assert calendar.working_days_between(date(2026, 3, 17), date(2026, 3, 25)) == 2


def test_a_saturday_declared_a_working_day_counts() -> None:
    saturday = date(2026, 6, 13)
    calendar = WorkingCalendar(working_days=[saturday])
    assert calendar.is_working_day(saturday)
    assert calendar.add_working_days(date(2026, 6, 12), 1) == saturday
    assert calendar.working_days_between(date(2026, 6, 12), date(2026, 6, 15)) == 2


def test_a_date_cannot_be_both_a_day_off_and_a_working_day() -> None:
    with pytest.raises(ValueError, match="2026-06-10"):
        WorkingCalendar(days_off=[date(2026, 6, 10)], working_days=[date(2026, 6, 10)])


overrides = st.lists(st.tuples(around_now, st.booleans()), max_size=30, unique_by=lambda item: item[0])


@settings(deadline=None)  # each example builds a calendar and loads its years
@given(overrides, around_now, st.integers(0, 120))
def test_overrides_win_and_counting_stays_consistent(
    table: list[tuple[date, bool]], start: date, days: int
) -> None:
    calendar = WorkingCalendar(
        days_off=[day for day, working in table if not working],
        working_days=[day for day, working in table if working],
    )
    for day, working in table:
        assert calendar.is_working_day(day) is working
    end = start + timedelta(days=days)
    count = calendar.working_days_between(start, end)
    assert count == brute_force_between(calendar, start, end)
    if count:
        assert calendar.add_working_days(start, count) <= end
        assert calendar.working_days_between(start, calendar.add_working_days(start, count)) == count


def test_official_days_off_are_fetched_once_per_year() -> None:
    calls: list[int] = []

    def official(year: int) -> frozenset[date]:
        calls.append(year)
        return frozenset({date(year, 1, 1)})

    calendar = WorkingCalendar(official=official)
    for _ in range(3):
        calendar.add_working_days(date(2026, 12, 20), 30)
        calendar.working_days_between(date(2025, 6, 1), date(2027, 2, 1))
    assert sorted(calls) == [2025, 2026, 2027]


def test_indonesian_days_off_are_cached() -> None:
    assert indonesian_days_off(2026) is indonesian_days_off(2026)


# -- the date of receipt --------------------------------------------------------------------------


def test_2330_utc_on_a_monday_is_received_on_tuesday() -> None:
    monday_night = datetime(2026, 6, 8, 23, 30, tzinfo=UTC)
    assert monday_night.weekday() == 0
    assert receipt_date(monday_night) == date(2026, 6, 9)


def test_1659_utc_is_still_the_same_day_and_1700_the_next() -> None:
    assert receipt_date(datetime(2026, 6, 8, 16, 59, 59, tzinfo=UTC)) == date(2026, 6, 8)
    assert receipt_date(datetime(2026, 6, 8, 17, 0, tzinfo=UTC)) == date(2026, 6, 9)


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        receipt_date(datetime(2026, 6, 8, 23, 30))


@given(
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(-14 * 60, 14 * 60),
)
def test_receipt_date_is_the_date_on_a_clock_in_jakarta(local: datetime, offset_minutes: int) -> None:
    instant = local.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    assert receipt_date(instant) == instant.astimezone(ZoneInfo("Asia/Jakarta")).date()
    assert receipt_date(instant) == instant.astimezone(WIB).date()
