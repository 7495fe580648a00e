"""The deadlines of UU KIP Pasal 22, 36 and 37, in Banten working days."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.kip.deadlines import (
    DISPUTE_FILING_DAYS,
    MAX_EXTENSION_DAYS,
    OBJECTION_ANSWER_DAYS,
    OBJECTION_FILING_DAYS,
    RESPONSE_DAYS,
    dispute_filing_deadline,
    extended_response_due,
    objection_answer_due,
    objection_filing_deadline,
    response_due,
)
from gateway.kip.errors import RuleViolation
from gateway.kip.working_days import WorkingCalendar

CALENDAR = WorkingCalendar()
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 10, 31))


def test_the_law_s_numbers() -> None:
    assert (RESPONSE_DAYS, MAX_EXTENSION_DAYS) == (10, 7)
    assert (OBJECTION_FILING_DAYS, OBJECTION_ANSWER_DAYS, DISPUTE_FILING_DAYS) == (30, 30, 14)


def test_a_request_received_before_nyepi_and_idul_fitri_2026_is_due_after_them() -> None:
    assert response_due(CALENDAR, date(2026, 3, 13)) == date(2026, 4, 6)


def test_the_full_extension_gives_17_working_days() -> None:
    assert extended_response_due(CALENDAR, date(2026, 3, 13), 7) == date(2026, 4, 15)
    assert CALENDAR.working_days_between(date(2026, 3, 13), date(2026, 4, 15)) == 17


@given(days, st.integers(1, 7))
def test_an_extension_adds_its_working_days_to_the_first_due_date(received: date, extension: int) -> None:
    first = response_due(CALENDAR, received)
    extended = extended_response_due(CALENDAR, received, extension)
    assert extended == CALENDAR.add_working_days(first, extension)
    assert CALENDAR.working_days_between(received, extended) == RESPONSE_DAYS + extension


def test_an_extension_longer_than_7_working_days_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        extended_response_due(CALENDAR, date(2026, 3, 13), 8)
    assert refused.value.key == "EXTENSION_TOO_LONG"
    assert refused.value.rule == "UU KIP Pasal 22(8)"
    assert "at most 7 working days (17 in all)" in str(refused.value)
    assert "paling lama 7 hari kerja" in refused.value.message_id


@pytest.mark.parametrize("extension", [0, -3])
def test_an_extension_must_add_at_least_one_day(extension: int) -> None:
    with pytest.raises(RuleViolation) as refused:
        extended_response_due(CALENDAR, date(2026, 3, 13), extension)
    assert refused.value.key == "EXTENSION_TOO_SHORT"


def test_objection_deadlines_are_30_working_days() -> None:
    arose = date(2026, 4, 6)
    assert CALENDAR.working_days_between(arose, objection_filing_deadline(CALENDAR, arose)) == 30
    assert CALENDAR.working_days_between(arose, objection_answer_due(CALENDAR, arose)) == 30
    # Labour Day (1 May), Ascension (14 May) and its cuti bersama (15 May) fall in these 30 days
    assert objection_filing_deadline(CALENDAR, arose) == date(2026, 5, 21)


def test_a_dispute_is_due_14_working_days_after_the_answer() -> None:
    received, answered = date(2026, 4, 6), date(2026, 4, 20)
    deadline = dispute_filing_deadline(CALENDAR, objection_received=received, answered=answered)
    assert CALENDAR.working_days_between(answered, deadline) == 14


def test_without_an_answer_a_dispute_is_due_14_working_days_after_the_30_lapse() -> None:
    received = date(2026, 4, 6)
    deadline = dispute_filing_deadline(CALENDAR, objection_received=received, answered=None)
    assert deadline == CALENDAR.add_working_days(objection_answer_due(CALENDAR, received), 14)
    assert CALENDAR.working_days_between(received, deadline) == 44


@given(days, st.integers(0, 60))
def test_a_late_answer_never_shortens_the_time_to_dispute(received: date, answer_after: int) -> None:
    answered = CALENDAR.add_working_days(received, answer_after)
    with_answer = dispute_filing_deadline(CALENDAR, objection_received=received, answered=answered)
    lapsed = dispute_filing_deadline(CALENDAR, objection_received=received, answered=None)
    if answer_after > OBJECTION_ANSWER_DAYS:
        assert with_answer > lapsed
    assert CALENDAR.working_days_between(answered, with_answer) == 14
