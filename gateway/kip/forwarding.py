"""When PPID Utama may forward (reroute) a request to another OPD (DOMAIN.md, Bodies).

PPID Utama receives requests for the province and forwards each to the OPD
that holds the information. A forward moves where the request is answered,
not when: the deadline still runs from the day of receipt (UU KIP Pasal
22(7) counts from the body's receipt, and the province is one body to the
citizen). So a request may be forwarded only while it waits for an answer;
an objection never is, since only the atasan PPID of the OPD whose answer it
contests can decide it.
"""

from __future__ import annotations

from .errors import RuleViolation
from .lifecycle import OPEN_STATES
from .vocabulary import RequestKind, RequestState

__all__ = ["FORWARDING_RULE", "authorize_forwarding"]

FORWARDING_RULE = "Perki 1/2021, PPID Utama meneruskan permohonan kepada PPID Pembantu"
"""What a refusal cites: the SLIP's task of PPID Utama to forward requests to the OPDs' PPID."""

_STATE_WORDS = {
    RequestState.GRANTED: ("granted", "dikabulkan"),
    RequestState.PARTIALLY_GRANTED: ("partially granted", "dikabulkan sebagian"),
    RequestState.REFUSED: ("refused", "ditolak"),
    RequestState.NOT_HELD: ("answered as not held", "dijawab tidak dikuasai"),
    RequestState.CANCELLED: ("cancelled by the requester", "dibatalkan pemohon"),
}


def authorize_forwarding(kind: RequestKind, state: RequestState) -> None:
    """Return when a ``kind`` in ``state`` may go to another OPD; raise :class:`RuleViolation` if not."""
    if kind is RequestKind.OBJECTION:
        raise RuleViolation(
            "an objection cannot be forwarded: the atasan PPID of the OPD whose answer it contests "
            "decides it",
            message_id="keberatan tidak dapat diteruskan: atasan PPID dari OPD yang jawabannya dipersoalkan "
            "yang memutusnya",
            rule="UU KIP Pasal 36",
            key="REROUTE_OF_OBJECTION",
        )
    if state not in OPEN_STATES:
        state_en, state_id = _STATE_WORDS.get(state, (state.value.lower(), state.value.lower()))
        raise RuleViolation(
            f"this request was already {state_en}, so it can no longer be forwarded to another OPD",
            message_id=f"permohonan ini sudah {state_id}, sehingga tidak dapat lagi diteruskan ke OPD lain",
            rule=FORWARDING_RULE,
            key="REROUTE_AFTER_OUTCOME",
        )
