"""The request service: information requests submitted, checked (Cek Status) and cancelled.

::

    service = RequestService(ledger, cipher, config, accepts_intake=lambda slug: ...)
    receipt = await service.submit_information_request(submission, idempotency_key=key)
    status = await service.request_status(receipt.registration_number, receipt.access_code)

No GraphQL here: the schema layer maps :class:`InvalidInput`,
:class:`~gateway.kip.errors.RuleViolation`, :class:`RequestNotFound` and
:class:`ServiceUnavailable` to its error codes through their ``extensions``.
"""

from .access_codes import ACCESS_CODE_ALPHABET, ACCESS_CODE_LENGTH
from .calendar import CalendarSource, LedgerCalendarSource
from .errors import RequestNotFound, ServiceUnavailable
from .personal import MaskedRequester
from .routing import Route
from .service import SUBMIT_SCOPE, RequestService
from .status import DetailedStatus, PublicStatus, RequestDetail, StatusEvent
from .submission import InformationRequestSubmission, Receipt

__all__ = [
    "ACCESS_CODE_ALPHABET",
    "ACCESS_CODE_LENGTH",
    "SUBMIT_SCOPE",
    "CalendarSource",
    "DetailedStatus",
    "InformationRequestSubmission",
    "LedgerCalendarSource",
    "MaskedRequester",
    "PublicStatus",
    "Receipt",
    "RequestDetail",
    "RequestNotFound",
    "RequestService",
    "Route",
    "ServiceUnavailable",
    "StatusEvent",
]
