"""The states of requests and objections, and who may move them (DOMAIN.md).

An information request::

    RECEIVED → IN_PROCESS → (EXTENDED) → GRANTED | PARTIALLY_GRANTED | REFUSED | NOT_HELD
    RECEIVED | IN_PROCESS | EXTENDED → CANCELLED   (the requester, before an outcome)

An objection (keberatan)::

    RECEIVED → IN_PROCESS → DECIDED → DISPUTED
    RECEIVED | IN_PROCESS → DISPUTED               (once the atasan's 30 days lapsed)

:data:`TRANSITIONS` lists every allowed move with who may make it; any other
move raises :class:`RuleViolation`. ``OVERDUE`` is never a state:
:func:`overdue` derives it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import NoReturn

from connectors import ExemptionGround

from .errors import RuleViolation
from .vocabulary import RequestKind, RequestState

__all__ = [
    "OPEN_STATES",
    "OUTCOMES",
    "TRANSITIONS",
    "Actor",
    "Transition",
    "authorize_transition",
    "is_outcome",
    "overdue",
    "transitions_from",
]

_S = RequestState
_INFO = RequestKind.INFORMATION
_OBJ = RequestKind.OBJECTION


class Actor(enum.Enum):
    """Who makes a transition."""

    REQUESTER = "REQUESTER"
    """The citizen or legal entity who filed (proved by the access code)."""
    OFFICER = "OFFICER"
    """The PPID officer of the OPD the request was routed to; the service checks the OPD."""
    PPID_UTAMA = "PPID_UTAMA"
    """The province's main information officer, who may act on any OPD's request."""
    SYSTEM = "SYSTEM"
    """The gateway itself, e.g. when an OPD's intake accepts a delivered request."""


OUTCOMES = frozenset({_S.GRANTED, _S.PARTIALLY_GRANTED, _S.REFUSED, _S.NOT_HELD})
"""The outcomes of an information request: the written notice of Pasal 22(7)."""

OPEN_STATES = frozenset({_S.RECEIVED, _S.IN_PROCESS, _S.EXTENDED})
"""States still waiting for an answer: the ones that can be overdue."""

_STAFF = frozenset({Actor.OFFICER, Actor.PPID_UTAMA})
_STAFF_OR_SYSTEM = _STAFF | {Actor.SYSTEM}


@dataclass(frozen=True)
class Transition:
    """One allowed move of a request or an objection."""

    kind: RequestKind
    source: RequestState
    target: RequestState
    actors: frozenset[Actor]
    """Who may make it."""
    rule: str
    """The article that governs it, cited in refusals."""
    needs_reasons: bool = False
    """Whether written reasons (the transition's note) are required."""


def _moves(
    kind: RequestKind,
    sources: tuple[RequestState, ...],
    target: RequestState,
    actors: frozenset[Actor],
    rule: str,
    *,
    needs_reasons: bool = False,
) -> tuple[Transition, ...]:
    return tuple(Transition(kind, source, target, actors, rule, needs_reasons) for source in sources)


_CANCEL_RULE = "Perki 1/2021, pembatalan permohonan"
_NOTICE_RULE = "UU KIP Pasal 22(7)"
_ANSWERING = (_S.IN_PROCESS, _S.EXTENDED)
_OPEN = tuple(sorted(OPEN_STATES, key=lambda state: state.value))
# a dispute is the requester's step, but KI's summons may reach the OPD first
_DISPUTERS = _STAFF | {Actor.REQUESTER}

TRANSITIONS: tuple[Transition, ...] = (
    *_moves(_INFO, (_S.RECEIVED,), _S.IN_PROCESS, _STAFF_OR_SYSTEM, "UU KIP Pasal 22(4)–(5)"),
    *_moves(_INFO, (_S.IN_PROCESS,), _S.EXTENDED, _STAFF, "UU KIP Pasal 22(8)", needs_reasons=True),
    *_moves(_INFO, _ANSWERING, _S.GRANTED, _STAFF, _NOTICE_RULE),
    *_moves(_INFO, _ANSWERING, _S.PARTIALLY_GRANTED, _STAFF, _NOTICE_RULE, needs_reasons=True),
    *_moves(_INFO, _ANSWERING, _S.REFUSED, _STAFF, "UU KIP Pasal 17, 22(7)", needs_reasons=True),
    *_moves(_INFO, _ANSWERING, _S.NOT_HELD, _STAFF, _NOTICE_RULE),
    *_moves(_INFO, _OPEN, _S.CANCELLED, frozenset({Actor.REQUESTER}), _CANCEL_RULE),
    *_moves(_OBJ, (_S.RECEIVED,), _S.IN_PROCESS, _STAFF_OR_SYSTEM, "UU KIP Pasal 36"),
    *_moves(_OBJ, (_S.IN_PROCESS,), _S.DECIDED, _STAFF, "UU KIP Pasal 36(2)", needs_reasons=True),
    *_moves(_OBJ, (_S.DECIDED, _S.RECEIVED, _S.IN_PROCESS), _S.DISPUTED, _DISPUTERS, "UU KIP Pasal 37(2)"),
)
"""Every allowed move. Outcomes, ``CANCELLED`` and ``DISPUTED`` are final."""

_BY_MOVE = {(t.kind, t.source, t.target): t for t in TRANSITIONS}

_STATE_WORDS: dict[RequestState, tuple[str, str]] = {
    _S.RECEIVED: ("received", "diterima"),
    _S.IN_PROCESS: ("being processed", "sedang diproses"),
    _S.EXTENDED: ("extended", "diperpanjang"),
    _S.GRANTED: ("granted", "dikabulkan"),
    _S.PARTIALLY_GRANTED: ("partially granted", "dikabulkan sebagian"),
    _S.REFUSED: ("refused", "ditolak"),
    _S.NOT_HELD: ("answered as not held by this body", "dijawab bahwa informasi tidak dikuasai"),
    _S.CANCELLED: ("cancelled", "dibatalkan"),
    _S.DECIDED: ("answered by the atasan PPID", "ditanggapi atasan PPID"),
    _S.DISPUTED: ("taken to the Komisi Informasi", "diajukan ke Komisi Informasi"),
}
_KIND_WORDS = {_INFO: ("a request", "permohonan"), _OBJ: ("an objection", "keberatan")}
_ACTOR_WORDS = {
    Actor.REQUESTER: ("the requester", "pemohon"),
    Actor.OFFICER: ("the information officer (PPID) of the OPD it was sent to", "PPID OPD tujuan"),
    Actor.PPID_UTAMA: ("PPID Utama", "PPID Utama"),
    Actor.SYSTEM: ("the gateway", "sistem"),
}


def is_outcome(state: RequestState) -> bool:
    """Whether ``state`` is an information request's outcome (the written notice)."""
    return state in OUTCOMES


def overdue(state: RequestState, due_date: date, today: date) -> bool:
    """Whether a request or objection is past ``due_date`` with no answer yet.

    ``today`` is the WIB date; on the due date itself it is not yet overdue.
    """
    return state in OPEN_STATES and today > due_date


def transitions_from(kind: RequestKind, state: RequestState) -> tuple[Transition, ...]:
    """The moves allowed from ``state``, for any actor."""
    return tuple(t for t in TRANSITIONS if t.kind is kind and t.source is state)


def authorize_transition(
    kind: RequestKind,
    source: RequestState,
    target: RequestState,
    *,
    actor: Actor,
    today: date,
    due_date: date,
    reasons: str = "",
    exemption_ground: ExemptionGround | None = None,
) -> Transition:
    """The transition from ``source`` to ``target``, if ``actor`` may make it now.

    ``today`` is the WIB date and ``due_date`` the current deadline (the
    notice's for a request, the atasan's answer's for an objection).
    ``reasons`` is the written note; ``exemption_ground`` the Pasal 17 ground
    of a refusal. Raises :class:`RuleViolation` saying which rule forbids it.
    """
    _refuse_final(kind, source, target)
    transition = _BY_MOVE.get((kind, source, target))
    if transition is None:
        _refuse_move(kind, source, target)
    if actor not in transition.actors:
        _refuse_actor(transition, actor)
    if transition.needs_reasons and not reasons.strip():
        _refuse_without_reasons(transition)
    if target is _S.REFUSED and exemption_ground is None:
        raise RuleViolation(
            "a refusal must name the Pasal 17 exemption it rests on",
            message_id="penolakan wajib menyebutkan alasan pengecualian menurut Pasal 17",
            rule="UU KIP Pasal 17, 22(7)",
            key="REFUSAL_WITHOUT_GROUND",
        )
    if target is _S.EXTENDED and today > due_date:
        raise RuleViolation(
            f"the deadline ({due_date.isoformat()}) has passed, so it can no longer be extended",
            message_id=f"batas waktu ({due_date.isoformat()}) sudah lewat "
            "sehingga tidak dapat diperpanjang lagi",
            rule="UU KIP Pasal 22(8)",
            key="EXTENSION_AFTER_DEADLINE",
        )
    if kind is _OBJ and target is _S.DISPUTED and source is not _S.DECIDED and today <= due_date:
        raise RuleViolation(
            "before the atasan PPID answers, the objection can go to the Komisi Informasi only once "
            f"the 30 working days for the answer have lapsed (after {due_date.isoformat()})",
            message_id="sebelum atasan PPID menanggapi, keberatan baru dapat diajukan ke Komisi Informasi "
            f"setelah 30 hari kerja untuk tanggapan lewat (setelah {due_date.isoformat()})",
            rule="UU KIP Pasal 36(2), 37(2)",
            key="DISPUTE_BEFORE_LAPSE",
        )
    return transition


def _refuse_final(kind: RequestKind, source: RequestState, target: RequestState) -> None:
    """Refuse moves out of an answered request, with what the requester can do instead."""
    if kind is not _INFO or source not in OUTCOMES:
        return
    state_en, state_id = _STATE_WORDS[source]
    if target is _S.CANCELLED:
        raise RuleViolation(
            f"a request can be cancelled only before it is answered, and this one was already {state_en}",
            message_id="permohonan hanya dapat dibatalkan sebelum dijawab, "
            f"dan permohonan ini sudah {state_id}",
            rule=_CANCEL_RULE,
            key="CANCEL_AFTER_OUTCOME",
        )
    raise RuleViolation(
        f"this request was already {state_en} and the answer cannot be changed; "
        "if you disagree with it, file an objection (keberatan)",
        message_id=f"permohonan ini sudah {state_id} dan jawabannya tidak dapat diubah; "
        "jika tidak setuju, ajukan keberatan",
        rule="UU KIP Pasal 35",
        key="OUTCOME_IS_FINAL",
    )


def _refuse_move(kind: RequestKind, source: RequestState, target: RequestState) -> NoReturn:
    if kind is _INFO and source is _S.EXTENDED and target is _S.EXTENDED:
        raise RuleViolation(
            "the deadline can be extended only once",
            message_id="batas waktu hanya dapat diperpanjang satu kali",
            rule="UU KIP Pasal 22(7)–(8)",
            key="EXTENSION_ALREADY_USED",
        )
    kind_en, kind_id = _KIND_WORDS[kind]
    source_en, source_id = _STATE_WORDS[source]
    target_en, target_id = _STATE_WORDS[target]
    allowed = transitions_from(kind, source)
    next_en = ", ".join(_STATE_WORDS[t.target][0] for t in allowed) or "nothing: this is final"
    next_id = ", ".join(_STATE_WORDS[t.target][1] for t in allowed) or "tidak ada: status ini final"
    raise RuleViolation(
        f"{kind_en} that is {source_en} cannot become {target_en}; it can next be: {next_en}",
        message_id=f"{kind_id} yang {source_id} tidak dapat menjadi {target_id}; "
        f"status berikutnya: {next_id}",
        rule="UU KIP Pasal 22, 35–37",
        key="TRANSITION_NOT_ALLOWED",
    )


def _refuse_actor(transition: Transition, actor: Actor) -> NoReturn:
    kind_en, kind_id = _KIND_WORDS[transition.kind]
    target_en, target_id = _STATE_WORDS[transition.target]
    allowed = sorted(transition.actors, key=lambda a: a.value)
    who_en = " or ".join(_ACTOR_WORDS[a][0] for a in allowed)
    who_id = " atau ".join(_ACTOR_WORDS[a][1] for a in allowed)
    actor_en, actor_id = _ACTOR_WORDS[actor]
    raise RuleViolation(
        f"only {who_en} can mark {kind_en} as {target_en}, not {actor_en}",
        message_id=f"hanya {who_id} yang dapat menjadikan {kind_id} {target_id}, bukan {actor_id}",
        rule=transition.rule,
        key="ACTOR_NOT_ALLOWED",
    )


def _refuse_without_reasons(transition: Transition) -> NoReturn:
    kind_en, kind_id = _KIND_WORDS[transition.kind]
    target_en, target_id = _STATE_WORDS[transition.target]
    raise RuleViolation(
        f"written reasons are required to mark {kind_en} as {target_en}",
        message_id=f"alasan tertulis wajib disertakan untuk menjadikan {kind_id} {target_id}",
        rule=transition.rule,
        key="REASONS_REQUIRED",
    )
