"""The states of requests and objections: every allowed move, and why every other one is refused."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors import ExemptionGround
from gateway.kip.errors import RuleViolation
from gateway.kip.lifecycle import (
    OPEN_STATES,
    OUTCOMES,
    TRANSITIONS,
    Actor,
    Transition,
    authorize_transition,
    is_outcome,
    overdue,
    transitions_from,
)
from gateway.kip.vocabulary import RequestKind, RequestState

S = RequestState
INFO = RequestKind.INFORMATION
OBJECTION = RequestKind.OBJECTION
DUE = date(2026, 4, 6)
BEFORE_DUE = DUE - timedelta(days=3)
AFTER_DUE = DUE + timedelta(days=1)


def authorize(
    kind: RequestKind,
    source: RequestState,
    target: RequestState,
    actor: Actor,
    *,
    today: date = BEFORE_DUE,
    reasons: str = "Alasan tertulis.",
    ground: ExemptionGround | None = ExemptionGround.H,
) -> Transition:
    return authorize_transition(
        kind, source, target, actor=actor, today=today, due_date=DUE, reasons=reasons, exemption_ground=ground
    )


def refusal(
    kind: RequestKind,
    source: RequestState,
    target: RequestState,
    actor: Actor,
    *,
    today: date = BEFORE_DUE,
    reasons: str = "Alasan tertulis.",
    ground: ExemptionGround | None = ExemptionGround.H,
) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        authorize(kind, source, target, actor, today=today, reasons=reasons, ground=ground)
    return refused.value


def moves(kind: RequestKind) -> set[tuple[RequestState, RequestState]]:
    return {(t.source, t.target) for t in TRANSITIONS if t.kind is kind}


def test_the_information_request_graph_is_the_one_of_the_domain() -> None:
    answers = {S.GRANTED, S.PARTIALLY_GRANTED, S.REFUSED, S.NOT_HELD}
    assert moves(INFO) == {
        (S.RECEIVED, S.IN_PROCESS),
        (S.IN_PROCESS, S.EXTENDED),
        *((source, answer) for source in (S.IN_PROCESS, S.EXTENDED) for answer in answers),
        *((source, S.CANCELLED) for source in (S.RECEIVED, S.IN_PROCESS, S.EXTENDED)),
    }


def test_the_objection_graph_is_the_one_of_the_domain() -> None:
    assert moves(OBJECTION) == {
        (S.RECEIVED, S.IN_PROCESS),
        (S.IN_PROCESS, S.DECIDED),
        (S.DECIDED, S.DISPUTED),
        (S.RECEIVED, S.DISPUTED),
        (S.IN_PROCESS, S.DISPUTED),
    }


def test_who_may_do_what() -> None:
    def who(kind: RequestKind, source: RequestState, target: RequestState) -> frozenset[Actor]:
        return next(t.actors for t in TRANSITIONS if (t.kind, t.source, t.target) == (kind, source, target))

    staff = {Actor.OFFICER, Actor.PPID_UTAMA}
    assert who(INFO, S.RECEIVED, S.IN_PROCESS) == staff | {Actor.SYSTEM}
    assert who(INFO, S.IN_PROCESS, S.EXTENDED) == staff
    assert who(INFO, S.EXTENDED, S.GRANTED) == staff
    assert who(INFO, S.RECEIVED, S.CANCELLED) == {Actor.REQUESTER}
    assert who(OBJECTION, S.IN_PROCESS, S.DECIDED) == staff
    assert who(OBJECTION, S.DECIDED, S.DISPUTED) == staff | {Actor.REQUESTER}


@pytest.mark.parametrize(
    "transition", TRANSITIONS, ids=lambda t: f"{t.kind.value}:{t.source.value}->{t.target.value}"
)
def test_every_listed_transition_is_allowed_to_each_of_its_actors(transition: Transition) -> None:
    lapsed = transition.kind is OBJECTION and transition.target is S.DISPUTED
    for actor in transition.actors:
        allowed = authorize(
            transition.kind,
            transition.source,
            transition.target,
            actor,
            today=AFTER_DUE if lapsed else BEFORE_DUE,
        )
        assert allowed == transition


def test_every_other_move_by_anyone_is_refused() -> None:
    listed = {(t.kind, t.source, t.target, actor) for t in TRANSITIONS for actor in t.actors}
    for kind, source, target, actor in itertools.product(RequestKind, RequestState, RequestState, Actor):
        if (kind, source, target, actor) in listed:
            continue
        with pytest.raises(RuleViolation):
            authorize(kind, source, target, actor, today=AFTER_DUE)


def test_the_deadline_can_be_extended_only_once() -> None:
    refused = refusal(INFO, S.EXTENDED, S.EXTENDED, Actor.OFFICER)
    assert str(refused) == "UU KIP Pasal 22(7)–(8): the deadline can be extended only once"
    assert refused.key == "EXTENSION_ALREADY_USED"
    assert refused.message_id == "batas waktu hanya dapat diperpanjang satu kali"


def test_an_extension_needs_written_reasons() -> None:
    refused = refusal(INFO, S.IN_PROCESS, S.EXTENDED, Actor.OFFICER, reasons="   ")
    assert refused.key == "REASONS_REQUIRED"
    assert refused.rule == "UU KIP Pasal 22(8)"


def test_an_extension_is_possible_on_the_due_date_but_not_after_it() -> None:
    assert authorize(INFO, S.IN_PROCESS, S.EXTENDED, Actor.OFFICER, today=DUE).target is S.EXTENDED
    refused = refusal(INFO, S.IN_PROCESS, S.EXTENDED, Actor.OFFICER, today=AFTER_DUE)
    assert refused.key == "EXTENSION_AFTER_DEADLINE"
    assert DUE.isoformat() in refused.message


@pytest.mark.parametrize("target", [S.REFUSED, S.PARTIALLY_GRANTED])
def test_refusing_in_whole_or_in_part_needs_written_reasons(target: RequestState) -> None:
    assert refusal(INFO, S.IN_PROCESS, target, Actor.OFFICER, reasons="").key == "REASONS_REQUIRED"


def test_granting_and_not_held_need_no_reasons() -> None:
    assert authorize(INFO, S.IN_PROCESS, S.GRANTED, Actor.OFFICER, reasons="").target is S.GRANTED
    assert authorize(INFO, S.EXTENDED, S.NOT_HELD, Actor.PPID_UTAMA, reasons="").target is S.NOT_HELD


def test_a_refusal_names_a_pasal_17_ground() -> None:
    refused = refusal(INFO, S.IN_PROCESS, S.REFUSED, Actor.OFFICER, ground=None)
    assert refused.key == "REFUSAL_WITHOUT_GROUND"
    assert "Pasal 17" in refused.rule


def test_only_the_requester_can_cancel() -> None:
    refused = refusal(INFO, S.IN_PROCESS, S.CANCELLED, Actor.OFFICER)
    assert refused.key == "ACTOR_NOT_ALLOWED"
    assert refused.message.startswith("only the requester can mark a request as cancelled")
    assert "hanya pemohon" in refused.message_id


@pytest.mark.parametrize("outcome", sorted(OUTCOMES, key=lambda s: s.value))
def test_a_request_cannot_be_cancelled_once_answered(outcome: RequestState) -> None:
    refused = refusal(INFO, outcome, S.CANCELLED, Actor.REQUESTER)
    assert refused.key == "CANCEL_AFTER_OUTCOME"
    assert "only before it is answered" in refused.message


def test_an_answer_is_final_and_the_refusal_points_to_an_objection() -> None:
    refused = refusal(INFO, S.GRANTED, S.REFUSED, Actor.OFFICER)
    assert refused.key == "OUTCOME_IS_FINAL"
    assert "file an objection" in refused.message
    assert "ajukan keberatan" in refused.message_id


def test_the_system_only_moves_a_request_into_process() -> None:
    assert authorize(INFO, S.RECEIVED, S.IN_PROCESS, Actor.SYSTEM).target is S.IN_PROCESS
    assert refusal(INFO, S.IN_PROCESS, S.GRANTED, Actor.SYSTEM).key == "ACTOR_NOT_ALLOWED"


def test_a_skipped_step_says_what_can_come_next() -> None:
    refused = refusal(INFO, S.RECEIVED, S.GRANTED, Actor.OFFICER)
    assert refused.key == "TRANSITION_NOT_ALLOWED"
    assert "it can next be: being processed, cancelled" in refused.message


def test_the_atasan_s_answer_needs_written_reasons() -> None:
    assert refusal(OBJECTION, S.IN_PROCESS, S.DECIDED, Actor.PPID_UTAMA, reasons="").key == "REASONS_REQUIRED"


def test_an_unanswered_objection_goes_to_the_komisi_informasi_only_after_the_30_days() -> None:
    for source in (S.RECEIVED, S.IN_PROCESS):
        refused = refusal(OBJECTION, source, S.DISPUTED, Actor.REQUESTER, today=DUE)
        assert refused.key == "DISPUTE_BEFORE_LAPSE"
        allowed = authorize(OBJECTION, source, S.DISPUTED, Actor.REQUESTER, today=AFTER_DUE)
        assert allowed.target is S.DISPUTED


def test_an_answered_objection_can_be_disputed_at_once() -> None:
    assert authorize(OBJECTION, S.DECIDED, S.DISPUTED, Actor.REQUESTER, today=BEFORE_DUE).target is S.DISPUTED


def test_a_dispute_is_final() -> None:
    assert transitions_from(OBJECTION, S.DISPUTED) == ()
    assert refusal(OBJECTION, S.DISPUTED, S.DECIDED, Actor.OFFICER).key == "TRANSITION_NOT_ALLOWED"


def test_a_rule_violation_carries_both_languages_for_graphql_extensions() -> None:
    refused = refusal(INFO, S.EXTENDED, S.EXTENDED, Actor.OFFICER)
    assert refused.extensions == {
        "code": "RULE_VIOLATION",
        "key": "EXTENSION_ALREADY_USED",
        "rule": "UU KIP Pasal 22(7)–(8)",
        "message_en": "UU KIP Pasal 22(7)–(8): the deadline can be extended only once",
        "message_id": "UU KIP Pasal 22(7)–(8): batas waktu hanya dapat diperpanjang satu kali",
    }


@given(st.sampled_from(RequestState), st.dates(), st.dates())
def test_overdue_means_past_the_due_date_with_no_answer(state: RequestState, due: date, today: date) -> None:
    assert overdue(state, due, today) == (state in OPEN_STATES and today > due)


def test_on_the_due_date_a_request_is_not_yet_overdue() -> None:
    assert not overdue(S.IN_PROCESS, DUE, DUE)
    assert overdue(S.EXTENDED, DUE, AFTER_DUE)
    assert not overdue(S.GRANTED, DUE, AFTER_DUE)
    assert not overdue(S.CANCELLED, DUE, AFTER_DUE)


def test_outcomes() -> None:
    assert {s for s in RequestState if is_outcome(s)} == {
        S.GRANTED,
        S.PARTIALLY_GRANTED,
        S.REFUSED,
        S.NOT_HELD,
    }
