"""The officers of the public-information service and what each of them answers for (DOMAIN.md, Bodies).

An officer acts for one OPD, except PPID Utama, who acts for the province:

==============  =============================================  ==========================
role            who                                            acts on
==============  =============================================  ==========================
``PPID``        PPID Pembantu of an OPD                        its OPD's requests: answers
                                                               them, extends their deadline
``ATASAN``      the atasan PPID of an OPD (the superior)       objections to its OPD's
                                                               requests: decides them
``PPID_UTAMA``  the province's main information officer        every OPD's requests and
                                                               objections; forwards them
==============  =============================================  ==========================

Who may do what to a request is checked by :mod:`gateway.officers.permissions`;
which state changes the law allows, by :mod:`gateway.kip.lifecycle`.
"""

from __future__ import annotations

import enum

__all__ = ["OfficerRole"]


class OfficerRole(enum.Enum):
    """What an officer's key allows."""

    PPID = "PPID"
    """PPID Pembantu of one OPD: answers the requests routed to it and extends their deadlines."""
    ATASAN = "ATASAN"
    """The atasan PPID of one OPD: decides the objections to that OPD's answers (UU KIP Pasal 36)."""
    PPID_UTAMA = "PPID_UTAMA"
    """The province's PPID Utama: may act on any OPD's request or objection, and forwards requests."""
