"""Which officer may do what: the role decides the kind of act, the OPD which requests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.kip.roles import OfficerRole
from gateway.officers import (
    Forbidden,
    Officer,
    require_answerer,
    require_decider,
    require_forwarder,
    require_inbox,
    require_reader,
)

PPID = Officer(id="dinkes-ppid", name="PPID Dinkes", role=OfficerRole.PPID, opd_slug="dinkes")
ATASAN = Officer(id="dinkes-atasan", name="Atasan Dinkes", role=OfficerRole.ATASAN, opd_slug="dinkes")
UTAMA = Officer(id="ppid-utama", name="PPID Utama", role=OfficerRole.PPID_UTAMA, opd_slug=None)
NUMBER = "PI/2026/DINKES/000001"


@pytest.mark.parametrize(
    ("officer", "read", "answer", "decide", "forward"),
    [(PPID, True, True, False, False), (ATASAN, True, False, True, False), (UTAMA, True, True, True, True)],
    ids=["ppid", "atasan", "ppid-utama"],
)
def test_each_role_does_its_own_acts_on_its_opds_requests(
    officer: Officer, read: bool, answer: bool, decide: bool, forward: bool
) -> None:
    def allowed(check: Callable[..., object], *args: str) -> bool:
        try:
            check(officer, *args)
        except Forbidden:
            return False
        return True

    assert allowed(require_reader, "dinkes", NUMBER) is read
    assert allowed(require_answerer, "dinkes", NUMBER) is answer
    assert allowed(require_decider, "dinkes", NUMBER) is decide
    assert allowed(require_forwarder) is forward
    # another OPD's request: only PPID Utama
    assert allowed(require_reader, "dinsos", NUMBER) is officer.is_ppid_utama


def test_a_refusal_names_the_requests_opd_and_what_the_key_is_for_in_both_languages() -> None:
    with pytest.raises(Forbidden) as raised:
        require_answerer(PPID, "dinsos", "PI/2026/DINSOS/000004")
    assert raised.value.message.startswith(
        "this request (PI/2026/DINSOS/000004) is routed to dinsos; your key is for dinkes"
    )
    assert "ditujukan ke dinsos; kunci Anda untuk dinkes" in raised.value.message_id
    assert raised.value.extensions["code"] == "FORBIDDEN"


def test_an_inbox_is_the_officers_opd_unless_ppid_utama_picks_one() -> None:
    assert require_inbox(PPID, None) == frozenset({"dinkes"})
    assert require_inbox(ATASAN, "dinkes") == frozenset({"dinkes"})
    assert require_inbox(UTAMA, None) is None
    assert require_inbox(UTAMA, "dinsos") == frozenset({"dinsos"})
    with pytest.raises(Forbidden):
        require_inbox(PPID, "dinsos")
