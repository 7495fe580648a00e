"""Registration numbers: one spelling per number, parsed back to what was formatted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.kip.registration import (
    RegistrationNumber,
    format_registration_number,
    opd_code,
    parse_registration_number,
)
from gateway.kip.vocabulary import RequestKind

INFO = RequestKind.INFORMATION
OBJECTION = RequestKind.OBJECTION

numbers = st.builds(
    RegistrationNumber,
    kind=st.sampled_from(RequestKind),
    year=st.integers(1000, 9999),
    opd_code=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=16),
    sequence=st.integers(1, 10**9),
)


def test_the_domain_s_examples() -> None:
    assert format_registration_number(INFO, 2026, "DINKES", 123) == "PI/2026/DINKES/000123"
    assert format_registration_number(OBJECTION, 2026, "DINKES", 7) == "KB/2026/DINKES/000007"


def test_a_sequence_past_999999_widens() -> None:
    assert format_registration_number(INFO, 2026, "DINKES", 999_999) == "PI/2026/DINKES/999999"
    assert format_registration_number(INFO, 2026, "DINKES", 1_000_000) == "PI/2026/DINKES/1000000"


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("dinkes", "DINKES"),
        ("dpmptsp-banten", "DPMPTSPBANTEN"),
        ("bappeda_2", "BAPPEDA2"),
        ("dinas-pekerjaan-umum-dan-penataan-ruang", "DINASPEKERJAANUM"),
        ("rsud-malingping", "RSUDMALINGPING"),
    ],
)
def test_an_opd_code_is_its_slug_upper_cased_alphanumeric_at_most_16(slug: str, code: str) -> None:
    assert opd_code(slug) == code


def test_a_slug_without_letters_or_digits_has_no_code() -> None:
    with pytest.raises(ValueError, match="no letter or digit"):
        opd_code("--")


@pytest.mark.parametrize(
    ("kind", "year", "code", "sequence"),
    [
        (INFO, 26, "DINKES", 1),
        (INFO, 2026, "dinkes", 1),
        (INFO, 2026, "DIN-KES", 1),
        (INFO, 2026, "", 1),
        (INFO, 2026, "A" * 17, 1),
        (INFO, 2026, "DINKES", 0),
    ],
)
def test_a_number_the_parser_would_refuse_is_never_formatted(
    kind: RequestKind, year: int, code: str, sequence: int
) -> None:
    with pytest.raises(ValueError):
        format_registration_number(kind, year, code, sequence)


def test_parsing_tolerates_case_and_surrounding_spaces() -> None:
    assert parse_registration_number("  pi/2026/dinkes/000123\n") == RegistrationNumber(
        INFO, 2026, "DINKES", 123
    )
    assert parse_registration_number("Kb/2025/Bpbd/1234567") == RegistrationNumber(
        OBJECTION, 2025, "BPBD", 1234567
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PI/2026/DINKES/123",  # too narrow
        "PI/2026/DINKES/00123",
        "PI/2026/DINKES/0001234",  # wider than six digits but zero-padded
        "PI/2026/DINKES/000000",  # sequences start at 1
        "PI 2026 DINKES 000123",
        "PI-2026-DINKES-000123",
        "PI/2026 /DINKES/000123",
        "PI/2026/DIN-KES/000123",
        "PI/2026/ABCDEFGHIJKLMNOPQ/000123",  # 17 characters
        "PI/26/DINKES/000123",
        "PI/0999/DINKES/000123",
        "XX/2026/DINKES/000123",
        "PI/2026/DINKES/000123/1",
        "pı/2026/dinkes/000123",  # a dotless i upper-cases to I
        "PI/2026/DINKES/٠٠٠١٢٣",  # Arabic-Indic digits
    ],
)
def test_anything_else_is_not_a_registration_number(text: str) -> None:
    assert parse_registration_number(text) is None


@given(numbers)
def test_formatting_then_parsing_gives_the_number_back(number: RegistrationNumber) -> None:
    text = str(number)
    assert parse_registration_number(text) == number
    assert parse_registration_number(f" {text.lower()}\t") == number


@given(st.text(max_size=40))
def test_a_parsed_number_formats_to_the_input_upper_cased(text: str) -> None:
    number = parse_registration_number(text)
    if number is not None:
        assert str(number) == text.strip().upper()
