"""The request service: information requests submitted, checked (Cek Status), cancelled, objected to.

::

    service = RequestService(ledger, cipher, config, accepts_intake=lambda slug: ...)
    receipt = await service.submit_information_request(submission, idempotency_key=key)
    status = await service.request_status(receipt.registration_number, receipt.access_code)
    objection = await service.submit_objection(number, code, ObjectionReason.C, "No answer yet")

PPID officers work through the :class:`OfficerDesk` beside it::

    desk = OfficerDesk(ledger, cipher, config, accepts_intake=lambda slug: ..., calendar=calendar)
    status = await desk.respond_to_request(officer, number, ResponseOutcome.GRANTED, message="...")

No GraphQL here: the schema layer maps :class:`InvalidInput`,
:class:`~gateway.kip.errors.RuleViolation`, :class:`RequestNotFound`,
:class:`RateLimited` and :class:`ServiceUnavailable` to its error codes
through their ``extensions``, as it does the desk's :class:`RequestChangedMeanwhile`
and :class:`gateway.officers.Forbidden`. :class:`AccessCodeGuard` rate-limits wrong
access codes per registration number.
"""

from .access_codes import ACCESS_CODE_ALPHABET, ACCESS_CODE_LENGTH
from .attempts import AccessCodeGuard
from .calendar import CalendarSource, LedgerCalendarSource
from .desk import OfficerDesk
from .errors import RateLimited, RequestChangedMeanwhile, RequestNotFound, ServiceUnavailable
from .inbox import InboxEdge, InboxItem, InboxPage
from .objections import SUBMIT_OBJECTION_SCOPE
from .officer_forms import ResponseOutcome
from .personal import MaskedRequester, UnmaskedRequester
from .rerouting import Delivery, Handover, Withdrawal
from .routing import Route
from .service import SUBMIT_SCOPE, RequestService
from .status import DetailedStatus, ObjectionSummary, PublicStatus, RequestDetail, StatusEvent
from .submission import STATEMENT_FIELD, InformationRequestSubmission, Receipt

__all__ = [
    "ACCESS_CODE_ALPHABET",
    "ACCESS_CODE_LENGTH",
    "STATEMENT_FIELD",
    "SUBMIT_OBJECTION_SCOPE",
    "SUBMIT_SCOPE",
    "AccessCodeGuard",
    "CalendarSource",
    "Delivery",
    "DetailedStatus",
    "Handover",
    "InboxEdge",
    "InboxItem",
    "InboxPage",
    "InformationRequestSubmission",
    "LedgerCalendarSource",
    "MaskedRequester",
    "ObjectionSummary",
    "OfficerDesk",
    "PublicStatus",
    "RateLimited",
    "Receipt",
    "RequestChangedMeanwhile",
    "RequestDetail",
    "RequestNotFound",
    "RequestService",
    "ResponseOutcome",
    "Route",
    "ServiceUnavailable",
    "StatusEvent",
    "UnmaskedRequester",
    "Withdrawal",
]
