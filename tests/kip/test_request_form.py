"""The information-request form: checked whole, with every problem reported at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from gateway.identity.errors import InvalidInput
from gateway.identity.requester import RequesterInput
from gateway.kip.request_form import InformationRequestInput, validate_information_request
from gateway.kip.vocabulary import DeliveryMethod, ObtainMethod, RequesterType

TODAY = date(2026, 6, 8)
NIK = "3603124506900001"  # Kab. Tangerang, a woman born 5 June 1990
REQUESTER = RequesterInput(
    type=RequesterType.INDIVIDUAL,
    name="Siti Rahmawati",
    address="Jl. Raya Serang No. 5, Cikupa",
    nik=NIK,
    phone="0812-3456-7890",
    email="siti@example.com",
)
FORM = InformationRequestInput(
    requester=REQUESTER,
    details="Laporan realisasi anggaran Dinas Kesehatan 2025",
    purpose="Penelitian skripsi",
    obtain_method=ObtainMethod.COPY_SOFT,
    delivery_method=DeliveryMethod.EMAIL,
)


def problems(form: InformationRequestInput) -> dict[str, str]:
    with pytest.raises(InvalidInput) as invalid:
        validate_information_request(form, today=TODAY)
    return {problem.path: problem.message_en for problem in invalid.value.fields}


def test_a_valid_form_is_returned_trimmed_and_normalised() -> None:
    form = validate_information_request(
        replace(FORM, details="  Laporan   realisasi\n\n anggaran  2025 ", purpose=" Penelitian "),
        today=TODAY,
    )
    assert form.details == "Laporan realisasi\n\nanggaran 2025"
    assert form.purpose == "Penelitian"
    assert form.requester.phone == "+6281234567890"
    assert form.delivery_method is DeliveryMethod.EMAIL


def test_every_problem_of_the_form_is_reported_at_once() -> None:
    broken = InformationRequestInput(
        requester=RequesterInput(type=RequesterType.INDIVIDUAL, name=" ", address="", nik="12345"),
        details="",
        purpose="ok",
        obtain_method=ObtainMethod.COPY_HARD,
        delivery_method=None,
    )
    assert set(problems(broken)) == {
        "requester.name",
        "requester.address",
        "requester.nik",
        "requester.phone",
        "requester.email",
        "details",
        "purpose",
        "deliveryMethod",
    }


def test_problems_come_in_english_and_indonesian_for_graphql() -> None:
    with pytest.raises(InvalidInput) as invalid:
        validate_information_request(replace(FORM, details=""), today=TODAY)
    assert invalid.value.extensions == {
        "code": "BAD_USER_INPUT",
        "fields": [
            {
                "path": "details",
                "message_en": "Enter the details of the information you ask for.",
                "message_id": "Rincian informasi wajib diisi.",
            }
        ],
    }


def test_a_hardcopy_cannot_be_sent_by_email() -> None:
    found = problems(replace(FORM, obtain_method=ObtainMethod.COPY_HARD))
    assert found == {
        "deliveryMethod": "A hardcopy cannot be sent by e-mail: "
        "choose pick-up, courier, post or fax, or ask for a softcopy."
    }


def test_delivery_by_email_needs_an_email_address_and_says_so_once() -> None:
    found = problems(replace(FORM, requester=replace(REQUESTER, email=None, phone=None)))
    assert found == {"requester.email": "You chose to receive the copy by e-mail: enter your e-mail address."}


def test_a_copy_needs_a_delivery_method() -> None:
    assert set(problems(replace(FORM, delivery_method=None))) == {"deliveryMethod"}


def test_viewing_needs_no_delivery_method() -> None:
    form = validate_information_request(
        replace(FORM, obtain_method=ObtainMethod.VIEW, delivery_method=None), today=TODAY
    )
    assert form.delivery_method is None


@pytest.mark.parametrize(("field", "length"), [("details", 5001), ("purpose", 1001)])
def test_overlong_text_is_refused(field: str, length: int) -> None:
    found = problems(replace(FORM, **{field: "a" * length}))
    assert found[field].endswith("is too long: write at most " + str(length - 1) + " characters.")
