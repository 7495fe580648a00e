"""Which objection reasons (UU KIP Pasal 35(1) a–g) a requester may file, and until when.

A reason is open from the day it arises for 30 working days (Pasal 36(1)):

- ``A`` (refused on a Pasal 17 exemption): when a refusal citing a ground is given;
- ``D``, ``E``, ``F`` (answered other than as asked, not fulfilled, unreasonable
  fees): as soon as any outcome is given — the requester is not made to
  wait for the 17-day maximum;
- ``C`` (no response): when the due date passes with no outcome; it arises at
  the end of the due date, so its 30 days count from the day after, as a
  request's 10 days count from the day after receipt;
- ``G`` (delivered late): when an outcome is given after the due date;
- ``B`` (periodic information not provided): always. It concerns what the
  body publishes, not this request, so the request cannot date it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from connectors import ExemptionGround

from .deadlines import OBJECTION_FILING_DAYS, objection_filing_deadline
from .errors import RuleViolation
from .lifecycle import OPEN_STATES, OUTCOMES
from .vocabulary import ObjectionReason, RequestState
from .working_days import WorkingCalendar

__all__ = ["AvailableReason", "RequestFacts", "objection_reasons_available", "require_objection_reasons"]

_R = ObjectionReason
_DECISION_REASONS = (_R.D, _R.E, _R.F)
_REASON_WORDS = {
    _R.A: ("refused on an exemption of Pasal 17", "ditolak berdasarkan pengecualian Pasal 17"),
    _R.B: ("periodic information not provided", "informasi berkala tidak disediakan"),
    _R.C: ("the request was not responded to", "permohonan tidak ditanggapi"),
    _R.D: ("responded to other than as requested", "ditanggapi tidak sebagaimana yang diminta"),
    _R.E: ("the request was not fulfilled", "permohonan tidak dipenuhi"),
    _R.F: ("unreasonable fees", "pengenaan biaya yang tidak wajar"),
    _R.G: ("the information was delivered late", "informasi disampaikan melebihi jangka waktu"),
}


@dataclass(frozen=True)
class RequestFacts:
    """What the objection reasons of one information request depend on."""

    state: RequestState
    due_date: date
    """The notice's due date, after the extension if there was one."""
    answered_on: date | None = None
    """The WIB date the outcome was given; required when ``state`` is an outcome."""
    exemption_ground: ExemptionGround | None = None
    """The Pasal 17 ground a refusal cited."""

    def __post_init__(self) -> None:
        if self.state in OUTCOMES and self.answered_on is None:
            raise ValueError(f"a request in state {self.state.value} needs the date it was answered")


@dataclass(frozen=True)
class AvailableReason:
    """A reason the requester may object on today, and its window."""

    reason: ObjectionReason
    arose: date | None
    """The day the reason arose, not counted in its 30 working days; ``None`` for ``B``."""
    filing_deadline: date | None
    """The last day to file on this reason; ``None`` for ``B``."""


def _arisen(facts: RequestFacts, today: date) -> dict[ObjectionReason, date | None]:
    """The reasons that have arisen by ``today``, with the day each arose."""
    arisen: dict[ObjectionReason, date | None] = {_R.B: None}
    answered = facts.answered_on
    if facts.state in OUTCOMES and answered is not None and answered <= today:
        if facts.state is RequestState.REFUSED and facts.exemption_ground is not None:
            arisen[_R.A] = answered
        for reason in _DECISION_REASONS:
            arisen[reason] = answered
        if answered > facts.due_date:
            arisen[_R.G] = answered
    elif facts.state in OPEN_STATES and today > facts.due_date:
        arisen[_R.C] = facts.due_date
    return arisen


def objection_reasons_available(
    facts: RequestFacts, today: date, calendar: WorkingCalendar
) -> tuple[AvailableReason, ...]:
    """The reasons open on ``today`` (a WIB date), in letter order, with their deadlines."""
    available = []
    for reason, arose in sorted(_arisen(facts, today).items(), key=lambda item: item[0].value):
        deadline = None if arose is None else objection_filing_deadline(calendar, arose)
        if deadline is None or today <= deadline:
            available.append(AvailableReason(reason, arose, deadline))
    return tuple(available)


def require_objection_reasons(
    facts: RequestFacts, reasons: Iterable[ObjectionReason], today: date, calendar: WorkingCalendar
) -> tuple[AvailableReason, ...]:
    """The chosen ``reasons`` if every one is open today; else :class:`RuleViolation`.

    The refusal names the first reason that is not open and says why: not
    yet arisen (and when it would arise, or why it cannot), or its 30 working
    days are over; and it lists the reasons open now with their last days,
    so that the citizen can file on one of them at once.
    """
    chosen = sorted(set(reasons), key=lambda reason: reason.value)
    if not chosen:
        raise RuleViolation(
            "an objection must give at least one reason",
            message_id="keberatan wajib menyebutkan paling sedikit satu alasan",
            rule="UU KIP Pasal 35(1)",
            key="OBJECTION_WITHOUT_REASON",
        )
    available_now = objection_reasons_available(facts, today, calendar)
    open_now = {available.reason: available for available in available_now}
    open_en, open_id = _open_reasons(available_now)
    arisen = _arisen(facts, today)
    for reason in chosen:
        if reason in open_now:
            continue
        words_en, words_id = _REASON_WORDS[reason]
        arose = arisen.get(reason)
        if arose is None:
            why_en, why_id = _why_not_arisen(reason, facts)
            raise RuleViolation(
                f"reason {reason.value.lower()} ({words_en}) does not apply to this request now: {why_en}; "
                f"reasons open now: {open_en}",
                message_id=f"alasan huruf {reason.value.lower()} ({words_id}) tidak berlaku "
                f"untuk permohonan ini saat ini: {why_id}; alasan yang dapat diajukan sekarang: {open_id}",
                rule="UU KIP Pasal 35(1)",
                key="OBJECTION_REASON_NOT_ARISEN",
            )
        deadline = objection_filing_deadline(calendar, arose).isoformat()
        raise RuleViolation(
            f"the {OBJECTION_FILING_DAYS} working days to object on reason {reason.value.lower()} "
            f"({words_en}) ended on {deadline}; reasons open now: {open_en}",
            message_id=f"batas {OBJECTION_FILING_DAYS} hari kerja untuk mengajukan keberatan dengan alasan "
            f"huruf {reason.value.lower()} ({words_id}) berakhir pada {deadline}; "
            f"alasan yang dapat diajukan sekarang: {open_id}",
            rule="UU KIP Pasal 36(1)",
            key="OBJECTION_TOO_LATE",
        )
    return tuple(open_now[reason] for reason in chosen)


def _open_reasons(available: Iterable[AvailableReason]) -> tuple[str, str]:
    """The open reasons as a refusal lists them, each with its last day: ``b, d (until 2026-05-08)``."""
    en, id_ = [], []
    for item in available:
        letter = item.reason.value.lower()
        until = "" if item.filing_deadline is None else item.filing_deadline.isoformat()
        en.append(f"{letter} (until {until})" if until else letter)
        id_.append(f"{letter} (sampai {until})" if until else letter)
    return ", ".join(en), ", ".join(id_)


def _why_not_arisen(reason: ObjectionReason, facts: RequestFacts) -> tuple[str, str]:
    """When ``reason`` would arise for this request, or why it cannot: what the citizen may wait for."""
    due = facts.due_date.isoformat()
    answered = facts.answered_on
    if facts.state is RequestState.CANCELLED:
        return (
            "the request was cancelled, so only reason b can apply",
            "permohonan telah dibatalkan sehingga hanya alasan huruf b yang dapat berlaku",
        )
    if facts.state in OUTCOMES and answered is not None:
        on = answered.isoformat()
        if reason is _R.A:
            return (
                f"the answer of {on} was not a refusal citing a Pasal 17 exemption",
                f"jawaban tanggal {on} bukan penolakan berdasarkan pengecualian Pasal 17",
            )
        if reason is _R.C and answered > facts.due_date:
            return (
                f"the request was answered on {on}, after its due date {due}: that is reason g",
                f"permohonan dijawab pada {on}, setelah batas waktunya {due}: itu alasan huruf g",
            )
        if reason in (_R.C, _R.G):
            return (
                f"the request was answered on {on}, by its due date {due}",
                f"permohonan dijawab pada {on}, sebelum batas waktunya {due} berakhir",
            )
    if reason is _R.C:
        after = (facts.due_date + timedelta(days=1)).isoformat()
        return (
            f"it arises on {after}, the day after the due date {due}, if the request is still unanswered",
            f"alasan ini timbul pada {after}, sehari setelah batas waktu {due}, "
            "jika permohonan belum juga dijawab",
        )
    if reason is _R.G:
        return (
            f"it arises if the answer comes after the due date, {due}",
            f"alasan ini timbul jika jawaban diberikan setelah batas waktu, {due}",
        )
    if reason is _R.A:
        return (
            "it arises if the request is refused on a Pasal 17 exemption",
            "alasan ini timbul jika permohonan ditolak berdasarkan pengecualian Pasal 17",
        )
    return ("it arises once the request is answered", "alasan ini timbul setelah permohonan dijawab")
