"""Objection reasons arise as soon as their cause exists, and stay open 30 working days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors import ExemptionGround
from gateway.kip.errors import RuleViolation
from gateway.kip.lifecycle import OUTCOMES
from gateway.kip.objection_reasons import (
    AvailableReason,
    RequestFacts,
    objection_reasons_available,
    require_objection_reasons,
)
from gateway.kip.vocabulary import ObjectionReason, RequestState
from gateway.kip.working_days import WorkingCalendar

CALENDAR = WorkingCalendar()
R = ObjectionReason
S = RequestState
DUE = date(2026, 4, 6)
ON_TIME = date(2026, 3, 30)
LATE = date(2026, 4, 9)
ALWAYS = AvailableReason(R.B, None, None)


def reasons(facts: RequestFacts, today: date) -> list[ObjectionReason]:
    return [available.reason for available in objection_reasons_available(facts, today, CALENDAR)]


def window(arose: date) -> date:
    return CALENDAR.add_working_days(arose, 30)


def test_while_a_request_is_on_time_only_reason_b_applies() -> None:
    facts = RequestFacts(S.IN_PROCESS, DUE)
    assert objection_reasons_available(facts, DUE, CALENDAR) == (ALWAYS,)


def test_no_response_by_the_due_date_opens_reason_c_the_day_after() -> None:
    facts = RequestFacts(S.EXTENDED, DUE)
    assert objection_reasons_available(facts, DUE + timedelta(days=1), CALENDAR) == (
        ALWAYS,
        AvailableReason(R.C, DUE, window(DUE)),
    )


def test_reason_c_closes_30_working_days_after_the_due_date() -> None:
    facts = RequestFacts(S.RECEIVED, DUE)
    assert reasons(facts, window(DUE)) == [R.B, R.C]
    assert reasons(facts, window(DUE) + timedelta(days=1)) == [R.B]


def test_an_answer_on_time_opens_d_e_f_at_once_without_waiting_for_the_deadline() -> None:
    facts = RequestFacts(S.GRANTED, DUE, answered_on=ON_TIME)
    assert reasons(facts, ON_TIME) == [R.B, R.D, R.E, R.F]
    assert reasons(facts, ON_TIME - timedelta(days=1)) == [R.B]


def test_a_refusal_on_a_pasal_17_ground_opens_reason_a() -> None:
    facts = RequestFacts(S.REFUSED, DUE, answered_on=ON_TIME, exemption_ground=ExemptionGround.A)
    available = objection_reasons_available(facts, ON_TIME, CALENDAR)
    assert available[:2] == (AvailableReason(R.A, ON_TIME, window(ON_TIME)), ALWAYS)
    assert [a.reason for a in available] == [R.A, R.B, R.D, R.E, R.F]


def test_a_refusal_without_a_ground_does_not_open_reason_a() -> None:
    facts = RequestFacts(S.REFUSED, DUE, answered_on=ON_TIME)
    assert R.A not in reasons(facts, ON_TIME)


def test_a_late_answer_opens_reason_g_and_closes_reason_c() -> None:
    facts = RequestFacts(S.PARTIALLY_GRANTED, DUE, answered_on=LATE)
    assert reasons(facts, LATE) == [R.B, R.D, R.E, R.F, R.G]


def test_answer_reasons_close_30_working_days_after_the_answer() -> None:
    facts = RequestFacts(S.NOT_HELD, DUE, answered_on=LATE)
    assert reasons(facts, window(LATE)) == [R.B, R.D, R.E, R.F, R.G]
    assert reasons(facts, window(LATE) + timedelta(days=1)) == [R.B]


def test_a_cancelled_request_has_only_reason_b() -> None:
    facts = RequestFacts(S.CANCELLED, DUE)
    assert reasons(facts, LATE) == [R.B]


def test_an_outcome_needs_its_date() -> None:
    with pytest.raises(ValueError, match="date it was answered"):
        RequestFacts(S.GRANTED, DUE)


facts_strategy = st.builds(
    RequestFacts,
    state=st.sampled_from([S.RECEIVED, S.IN_PROCESS, S.EXTENDED, S.CANCELLED]),
    due_date=st.dates(date(2024, 6, 1), date(2027, 6, 1)),
) | st.builds(
    RequestFacts,
    state=st.sampled_from(sorted(OUTCOMES, key=lambda s: s.value)),
    due_date=st.dates(date(2024, 6, 1), date(2027, 6, 1)),
    answered_on=st.dates(date(2024, 6, 1), date(2027, 6, 1)),
    exemption_ground=st.none() | st.sampled_from(ExemptionGround),
)


@given(facts_strategy, st.dates(date(2024, 1, 1), date(2027, 10, 1)))
def test_every_available_reason_is_within_its_window(facts: RequestFacts, today: date) -> None:
    available = objection_reasons_available(facts, today, CALENDAR)
    assert ALWAYS in available
    for item in available:
        if item.reason is R.B:
            continue
        assert item.arose is not None and item.filing_deadline is not None
        assert item.arose <= today <= item.filing_deadline
        assert CALENDAR.working_days_between(item.arose, item.filing_deadline) == 30
        if item.reason is R.C:
            assert facts.answered_on is None and today > facts.due_date
        if item.reason is R.G:
            assert facts.answered_on is not None and facts.answered_on > facts.due_date
        if item.reason is R.A:
            assert facts.state is S.REFUSED and facts.exemption_ground is not None


def test_filing_on_open_reasons_returns_them() -> None:
    facts = RequestFacts(S.GRANTED, DUE, answered_on=LATE)
    chosen = require_objection_reasons(facts, [R.G, R.D, R.G], LATE, CALENDAR)
    assert [c.reason for c in chosen] == [R.D, R.G]


def test_filing_on_reason_c_before_the_due_date_is_refused() -> None:
    facts = RequestFacts(S.IN_PROCESS, DUE)
    with pytest.raises(RuleViolation) as refused:
        require_objection_reasons(facts, [R.C], DUE, CALENDAR)
    assert refused.value.key == "OBJECTION_REASON_NOT_ARISEN"
    assert refused.value.rule == "UU KIP Pasal 35(1)"
    assert "reason c (the request was not responded to)" in refused.value.message


def test_filing_after_the_30_working_days_is_refused_with_the_date_they_ended() -> None:
    facts = RequestFacts(S.GRANTED, DUE, answered_on=ON_TIME)
    too_late = window(ON_TIME) + timedelta(days=1)
    with pytest.raises(RuleViolation) as refused:
        require_objection_reasons(facts, [R.E], too_late, CALENDAR)
    assert refused.value.key == "OBJECTION_TOO_LATE"
    assert refused.value.rule == "UU KIP Pasal 36(1)"
    assert window(ON_TIME).isoformat() in refused.value.message
    assert window(ON_TIME).isoformat() in refused.value.message_id


def test_an_objection_needs_a_reason() -> None:
    with pytest.raises(RuleViolation) as refused:
        require_objection_reasons(RequestFacts(S.IN_PROCESS, DUE), [], DUE, CALENDAR)
    assert refused.value.key == "OBJECTION_WITHOUT_REASON"


def test_a_reason_not_yet_arisen_is_refused_with_when_it_arises_and_what_is_open_now() -> None:
    facts = RequestFacts(S.IN_PROCESS, DUE)
    with pytest.raises(RuleViolation) as refused:
        require_objection_reasons(facts, [R.C], DUE, CALENDAR)
    message = refused.value.message
    assert "it arises on 2026-04-07, the day after the due date 2026-04-06" in message
    assert message.endswith("reasons open now: b")
    assert "timbul pada 2026-04-07" in refused.value.message_id
    assert refused.value.message_id.endswith("alasan yang dapat diajukan sekarang: b")


def test_reason_g_after_an_answer_on_time_is_refused_with_the_dates_and_the_open_reasons() -> None:
    facts = RequestFacts(S.GRANTED, DUE, answered_on=ON_TIME)
    with pytest.raises(RuleViolation) as refused:
        require_objection_reasons(facts, [R.G], ON_TIME, CALENDAR)
    until = window(ON_TIME).isoformat()
    assert refused.value.key == "OBJECTION_REASON_NOT_ARISEN"
    assert "answered on 2026-03-30, by its due date 2026-04-06" in refused.value.message
    assert f"open now: b, d (until {until}), e (until {until}), f (until {until})" in refused.value.message


def test_reason_c_after_a_late_answer_points_to_reason_g() -> None:
    facts = RequestFacts(S.GRANTED, DUE, answered_on=LATE)
    with pytest.raises(RuleViolation) as refused:
        require_objection_reasons(facts, [R.C], LATE, CALENDAR)
    assert "after its due date 2026-04-06: that is reason g" in refused.value.message
    assert "itu alasan huruf g" in refused.value.message_id


def test_only_reason_b_is_open_on_a_cancelled_request() -> None:
    with pytest.raises(RuleViolation) as refused:
        require_objection_reasons(RequestFacts(S.CANCELLED, DUE), [R.E], LATE, CALENDAR)
    assert "cancelled, so only reason b can apply" in refused.value.message
