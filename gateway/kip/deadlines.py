"""The deadlines of UU KIP, in working days of a :class:`WorkingCalendar`.

Each deadline is the last day on which the act is on time: "within 10 working
days of receipt" is ``calendar.add_working_days(received, 10)``, the day of
receipt not counted. All dates are WIB dates.

==========================================  =====  ==================
act                                         days   counted after
==========================================  =====  ==================
notice on a request (Pasal 22(7))           10     receipt
extension, once, with reasons (22(8))       +≤7    (17 at most)
objection filed (Pasal 36(1))               30     the reason arose
objection answered by the atasan (36(2))    30     the objection's receipt
dispute to the Komisi Informasi (37(2))     14     the answer, or the 30 days' lapse
==========================================  =====  ==================
"""

from __future__ import annotations

from datetime import date

from .errors import RuleViolation
from .working_days import WorkingCalendar

__all__ = [
    "DISPUTE_FILING_DAYS",
    "MAX_EXTENSION_DAYS",
    "OBJECTION_ANSWER_DAYS",
    "OBJECTION_FILING_DAYS",
    "RESPONSE_DAYS",
    "dispute_filing_deadline",
    "extended_response_due",
    "objection_answer_due",
    "objection_filing_deadline",
    "response_due",
]

RESPONSE_DAYS = 10
"""Working days for the written notice on a request (UU KIP Pasal 22(7))."""
MAX_EXTENSION_DAYS = 7
"""The most working days one extension may add (UU KIP Pasal 22(8))."""
OBJECTION_FILING_DAYS = 30
"""Working days to file an objection after its reason arises (UU KIP Pasal 36(1))."""
OBJECTION_ANSWER_DAYS = 30
"""Working days for the atasan PPID to answer an objection (UU KIP Pasal 36(2))."""
DISPUTE_FILING_DAYS = 14
"""Working days to take a dispute to the Komisi Informasi (UU KIP Pasal 37(2))."""


def response_due(calendar: WorkingCalendar, received: date) -> date:
    """The due date of the written notice on a request received on ``received``."""
    return calendar.add_working_days(received, RESPONSE_DAYS)


def extended_response_due(calendar: WorkingCalendar, received: date, extension_days: int) -> date:
    """The due date after the one extension of ``extension_days`` working days.

    Raises :class:`RuleViolation` unless ``1 <= extension_days <= 7``. That
    an extension is given once and with written reasons is the lifecycle's
    rule (:func:`gateway.kip.lifecycle.authorize_transition`).
    """
    if extension_days < 1:
        raise RuleViolation(
            "an extension must add at least 1 working day",
            message_id="perpanjangan waktu harus paling sedikit 1 hari kerja",
            rule="UU KIP Pasal 22(8)",
            key="EXTENSION_TOO_SHORT",
        )
    if extension_days > MAX_EXTENSION_DAYS:
        raise RuleViolation(
            f"the deadline can be extended by at most {MAX_EXTENSION_DAYS} working days "
            f"({RESPONSE_DAYS + MAX_EXTENSION_DAYS} in all), not {extension_days}",
            message_id=f"perpanjangan waktu paling lama {MAX_EXTENSION_DAYS} hari kerja "
            f"(seluruhnya {RESPONSE_DAYS + MAX_EXTENSION_DAYS} hari kerja), bukan {extension_days}",
            rule="UU KIP Pasal 22(8)",
            key="EXTENSION_TOO_LONG",
        )
    return calendar.add_working_days(received, RESPONSE_DAYS + extension_days)


def objection_filing_deadline(calendar: WorkingCalendar, reason_arose: date) -> date:
    """The last day to file an objection whose reason arose on ``reason_arose``."""
    return calendar.add_working_days(reason_arose, OBJECTION_FILING_DAYS)


def objection_answer_due(calendar: WorkingCalendar, objection_received: date) -> date:
    """The day by which the atasan PPID must answer an objection received then."""
    return calendar.add_working_days(objection_received, OBJECTION_ANSWER_DAYS)


def dispute_filing_deadline(
    calendar: WorkingCalendar, *, objection_received: date, answered: date | None
) -> date:
    """The last day to take the objection to the Komisi Informasi.

    14 working days after the atasan's answer (``answered``); without an
    answer, 14 working days after the 30 days for it lapsed. A late answer
    opens its own 14 days, which end after the lapse's, so the requester
    keeps the later deadline.
    """
    start = answered if answered is not None else objection_answer_due(calendar, objection_received)
    return calendar.add_working_days(start, DISPUTE_FILING_DAYS)
