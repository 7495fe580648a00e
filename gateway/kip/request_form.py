"""The information-request form (UU KIP Pasal 22(2)): checked whole, every problem at once.

The requester (:mod:`gateway.identity.requester`), the details of the
information, the purpose of use, how to obtain it and how a copy is
delivered. A copy needs a delivery method; a hardcopy cannot go by e-mail;
delivery by e-mail needs an e-mail address. Viewing needs no delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.identity.errors import InvalidInput, ProblemList
from gateway.identity.requester import Requester, RequesterInput, check_requester
from gateway.identity.text_fields import TextField

from .vocabulary import DeliveryMethod, ObtainMethod

__all__ = ["InformationRequestForm", "InformationRequestInput", "validate_information_request"]

DETAILS = TextField(
    "the details of the information you ask for", "Rincian informasi", 5, 5000, multiline=True
)
PURPOSE = TextField("the purpose of use", "Tujuan penggunaan informasi", 5, 1000, multiline=True)


@dataclass(frozen=True)
class InformationRequestInput:
    """A request form as submitted."""

    requester: RequesterInput
    details: str
    """Rincian informasi: what is asked for."""
    purpose: str
    """Tujuan penggunaan: what it will be used for."""
    obtain_method: ObtainMethod
    delivery_method: DeliveryMethod | None = None
    """Required for a copy; optional when the requester only views the information."""


@dataclass(frozen=True)
class InformationRequestForm:
    """A valid request form, ready to register."""

    requester: Requester
    details: str
    purpose: str
    obtain_method: ObtainMethod
    delivery_method: DeliveryMethod | None


def validate_information_request(raw: InformationRequestInput, *, today: date) -> InformationRequestForm:
    """The valid form, or :class:`InvalidInput` listing every problem in it.

    ``today`` is the WIB date of receipt (it dates the NIK's birth year).
    """
    problems = ProblemList()
    by_email = raw.delivery_method is DeliveryMethod.EMAIL
    requester = check_requester(raw.requester, today=today, problems=problems, email_required=by_email)
    details = problems.check("details", lambda: DETAILS.clean(raw.details, field="details"))
    purpose = problems.check("purpose", lambda: PURPOSE.clean(raw.purpose, field="purpose"))
    copy = raw.obtain_method in (ObtainMethod.COPY_SOFT, ObtainMethod.COPY_HARD)
    if copy and raw.delivery_method is None:
        problems.add(
            "deliveryMethod",
            "Choose how the copy should reach you: pick-up, courier, post, fax or e-mail.",
            "Pilih cara salinan disampaikan: diambil langsung, kurir, pos, faksimili, atau e-mail.",
        )
    if raw.obtain_method is ObtainMethod.COPY_HARD and by_email:
        problems.add(
            "deliveryMethod",
            "A hardcopy cannot be sent by e-mail: "
            "choose pick-up, courier, post or fax, or ask for a softcopy.",
            "Salinan cetak (hardcopy) tidak dapat dikirim melalui e-mail: "
            "pilih diambil langsung, kurir, pos, atau faksimili, atau minta salinan elektronik (softcopy).",
        )
    if requester is None or details is None or purpose is None or problems:
        raise InvalidInput(problems.problems)
    return InformationRequestForm(requester, details, purpose, raw.obtain_method, raw.delivery_method)
