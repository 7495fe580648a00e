"""A requester checked whole: what each type must give, every problem at once, a masked repr."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from gateway.identity.errors import InvalidInput, ProblemList
from gateway.identity.requester import RequesterInput, check_requester, validate_requester
from gateway.kip.vocabulary import RequesterType

TODAY = date(2026, 6, 8)
INDIVIDUAL = RequesterInput(
    type=RequesterType.INDIVIDUAL,
    name="  Budi   Santoso ",
    address="Jl. Ahmad Yani No. 10, Kota Serang",
    nik="3673011708850002",
    phone="0812 3456 7890",
    occupation="Wartawan",
)
ORGANIZATION = RequesterInput(
    type=RequesterType.ORGANIZATION,
    name="Yayasan Transparansi Banten",
    address="Jl. Veteran No. 3, Serang",
    legal_entity_number="AHU-0012345.AH.01.04.Tahun 2020",
    email="info@example.org",
)


def problems(raw: RequesterInput) -> dict[str, str]:
    with pytest.raises(InvalidInput) as invalid:
        validate_requester(raw, today=TODAY)
    return {problem.path: problem.message_en for problem in invalid.value.fields}


def test_an_individual_is_validated_and_normalised() -> None:
    requester = validate_requester(INDIVIDUAL, today=TODAY)
    assert requester.name == "Budi Santoso"
    assert requester.nik is not None and requester.nik.birth_date == date(1985, 8, 17)
    assert requester.phone == "+6281234567890"
    assert requester.email is None
    assert requester.occupation == "Wartawan"
    assert requester.legal_entity_number is None


def test_an_organization_needs_its_legal_entity_number_but_no_nik() -> None:
    requester = validate_requester(ORGANIZATION, today=TODAY)
    assert requester.nik is None
    assert requester.legal_entity_number == "AHU-0012345.AH.01.04.Tahun 2020"
    assert set(problems(replace(ORGANIZATION, legal_entity_number=" "))) == {"requester.legalEntityNumber"}


def test_an_organization_s_optional_nik_is_still_checked() -> None:
    assert set(problems(replace(ORGANIZATION, nik="123"))) == {"requester.nik"}


@pytest.mark.parametrize("kind", [RequesterType.INDIVIDUAL, RequesterType.PROXY])
def test_individuals_and_proxies_need_a_nik(kind: RequesterType) -> None:
    found = problems(replace(INDIVIDUAL, type=kind, nik=None))
    assert found == {
        "requester.nik": "Enter the NIK (16 digits) from your KTP: it is required to ask for information."
    }


def test_a_legal_entity_number_of_an_individual_is_not_kept() -> None:
    requester = validate_requester(replace(INDIVIDUAL, legal_entity_number="AHU-1"), today=TODAY)
    assert requester.legal_entity_number is None


def test_a_phone_or_an_email_is_needed_and_either_is_enough() -> None:
    found = problems(replace(INDIVIDUAL, phone="", email=None))
    assert set(found) == {"requester.phone", "requester.email"}
    assert found["requester.phone"].startswith("Enter a phone number or an e-mail address")
    email_only = validate_requester(replace(INDIVIDUAL, phone=None, email="budi@example.com"), today=TODAY)
    assert (email_only.phone, email_only.email) == (None, "budi@example.com")


def test_every_problem_is_reported_at_once_in_both_languages() -> None:
    raw = RequesterInput(
        type=RequesterType.PROXY,
        name="",
        address="Jl",
        nik="3603124506900000",
        phone="0812",
        email="budi@",
        occupation="x" * 101,
    )
    with pytest.raises(InvalidInput) as invalid:
        validate_requester(raw, today=TODAY)
    found = {problem.path: problem for problem in invalid.value.fields}
    assert set(found) == {
        "requester.name",
        "requester.address",
        "requester.nik",
        "requester.phone",
        "requester.email",
        "requester.occupation",
    }
    assert found["requester.name"].message_id == "Nama lengkap wajib diisi."
    assert found["requester.address"].message_en == "Your address is too short: write at least 5 characters."
    assert (
        found["requester.occupation"].message_id
        == "Pekerjaan terlalu panjang: tulis paling banyak 100 karakter."
    )
    assert all(problem.message_en and problem.message_id for problem in found.values())
    assert "6 field(s)" in str(invalid.value)


def test_control_characters_and_text_without_letters_are_refused() -> None:
    found = problems(replace(INDIVIDUAL, name="Budi\x00", address="-- ... --"))
    assert found["requester.name"].endswith("contains characters that cannot be stored; remove them.")
    assert found["requester.address"] == "Your address must contain letters or digits."


def test_a_form_that_checks_more_collects_into_the_same_list() -> None:
    found = ProblemList()
    found.add("details", "Enter the details.", "Rincian wajib diisi.")
    assert check_requester(INDIVIDUAL, today=TODAY, problems=found, path="pemohon") is not None
    assert check_requester(replace(INDIVIDUAL, nik=""), today=TODAY, problems=found, path="pemohon") is None
    assert [problem.path for problem in found.problems] == ["details", "pemohon.nik"]


def test_a_requester_shows_itself_masked() -> None:
    requester = validate_requester(replace(INDIVIDUAL, email="budi@example.com"), today=TODAY)
    assert repr(requester) == (
        "Requester(type=INDIVIDUAL, name=B***, nik=3673********0002, address=Jl.…, "
        "phone=+62812****890, email=b***@example.com)"
    )
    assert repr(INDIVIDUAL) == "RequesterInput(type=INDIVIDUAL, ...)"
