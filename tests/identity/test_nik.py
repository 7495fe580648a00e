"""NIK: 16 digits, a known province, a possible date of birth (+40 for women), a serial from 0001."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.identity.errors import InvalidField
from gateway.identity.nik import PROVINCES, Nik, Sex, mask_nik, parse_nik

TODAY = date(2026, 6, 8)


def nik_text(province: str, regency: int, district: int, born: date, sex: Sex, serial: int) -> str:
    day = born.day + (40 if sex is Sex.FEMALE else 0)
    return f"{province}{regency:02d}{district:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def invalid(text: str, today: date = TODAY) -> InvalidField:
    with pytest.raises(InvalidField) as refused:
        parse_nik(text, today=today)
    assert refused.value.field == "nik"
    return refused.value


def test_the_province_codes_are_the_38_of_kemendagri() -> None:
    expected = {
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 97),
    }
    assert {int(code) for code in PROVINCES} == expected
    assert len(PROVINCES) == 38
    assert PROVINCES["36"] == "Banten"
    assert PROVINCES["95"] == "Papua Pegunungan"


def test_a_banten_nik_is_parsed() -> None:
    nik = parse_nik("3603124506900001", today=TODAY)
    assert (nik.province_code, nik.province) == ("36", "Banten")
    assert (nik.regency_code, nik.district_code) == ("3603", "360312")
    assert nik.birth_date == date(1990, 6, 5)
    assert nik.sex is Sex.FEMALE
    assert nik.serial == 1


def test_nik_from_any_province_is_accepted() -> None:
    nik = parse_nik("9471021708450123", today=TODAY)  # Papua Tengah code, a man born 17 August 1945
    assert nik.province == "Papua Tengah"
    assert (nik.birth_date, nik.sex) == (date(1945, 8, 17), Sex.MALE)


def test_surrounding_spaces_are_ignored() -> None:
    assert parse_nik("  3603124506900001\n", today=TODAY).value == "3603124506900001"


@pytest.mark.parametrize(
    "text",
    [
        "360312450690000",  # 15 digits
        "36031245069000011",  # 17 digits
        "3603 1245 0690 0001",
        "3603124506900O01",  # letter O
        "٣٦٠٣١٢٤٥٠٦٩٠٠٠٠١",  # Arabic-Indic digits
    ],
)
def test_anything_but_16_ascii_digits_is_refused(text: str) -> None:
    assert "exactly 16 digits" in invalid(text).message_en


def test_a_blank_nik_asks_for_one() -> None:
    refused = invalid("   ")
    assert refused.message_en == "Enter the NIK (16 digits) from your KTP."
    assert refused.message_id == "Isi NIK (16 angka) dari KTP Anda."


@pytest.mark.parametrize("province", ["00", "10", "20", "22", "37", "54", "66", "83", "90", "97", "99"])
def test_an_unknown_province_code_is_refused(province: str) -> None:
    refused = invalid(f"{province}03124506900001")
    assert "province code" in refused.message_en
    assert "kode provinsi" in refused.message_id


@pytest.mark.parametrize(
    "birth",
    [
        "000190",  # day 0
        "320190",  # day 32
        "400190",  # day 40: neither a man's day nor a woman's
        "720190",  # day 72 = 32 + 40
        "311190",  # 31 November
        "310490",  # 31 April
        "011390",  # month 13
        "010090",  # month 0
        "290201",  # 29 February 2001 (and 1901)
        "690201",  # the same for a woman
    ],
)
def test_an_impossible_date_of_birth_is_refused(birth: str) -> None:
    refused = invalid(f"360312{birth}0001")
    assert "date of birth" in refused.message_en
    assert "tanggal lahir" in refused.message_id


def test_29_february_2000_is_a_date() -> None:
    assert parse_nik("3603122902000001", today=TODAY).birth_date == date(2000, 2, 29)


def test_serial_0000_is_refused() -> None:
    assert "0001" in invalid("3603124506900000").message_en


def test_the_century_makes_the_person_the_youngest_plausible_age() -> None:
    assert parse_nik("3603121001100001", today=TODAY).birth_date == date(2010, 1, 10)  # not 1910
    assert parse_nik("3603120806260001", today=TODAY).birth_date == date(2026, 6, 8)  # born today
    assert parse_nik("3603120906260001", today=TODAY).birth_date == date(1926, 6, 9)  # not tomorrow


def test_a_date_with_no_century_in_0_to_120_years_is_refused() -> None:
    # 29 February 2000 is still to come, and 1900 and 1800 were not leap years
    assert "date of birth" in invalid("3603122902000001", today=date(2000, 1, 15)).message_en


def test_mask_nik() -> None:
    assert mask_nik("3603123456780001") == "3603********0001"
    assert mask_nik("not a nik") == "*" * 16


def test_a_nik_shows_itself_masked() -> None:
    nik = parse_nik("3603124506900001", today=TODAY)
    assert repr(nik) == str(nik) == "Nik(3603********0001)"
    assert nik.masked == "3603********0001"


def test_a_nik_cannot_be_built_from_other_text() -> None:
    with pytest.raises(ValueError, match="parse_nik"):
        Nik("36031245069000", date(1990, 6, 5), Sex.FEMALE, 1)


niks = st.builds(
    lambda *parts: parts,
    st.sampled_from(sorted(PROVINCES)),
    st.integers(1, 99),
    st.integers(1, 99),
    # under 100 years old: the two-digit year then names one century only
    st.dates(min_value=TODAY - timedelta(days=36_500), max_value=TODAY),
    st.sampled_from(Sex),
    st.integers(1, 9999),
)


@given(niks)
def test_a_nik_parses_back_to_what_it_encodes(parts: tuple[str, int, int, date, Sex, int]) -> None:
    province, regency, district, born, sex, serial = parts
    text = nik_text(province, regency, district, born, sex, serial)
    nik = parse_nik(text, today=TODAY)
    assert nik.value == text
    assert nik.province_code == province
    assert nik.regency_code == f"{province}{regency:02d}"
    assert nik.district_code == f"{province}{regency:02d}{district:02d}"
    assert (nik.birth_date, nik.sex, nik.serial) == (born, sex, serial)
    assert mask_nik(text) == text[:4] + "********" + text[12:]


@given(st.text("0123456789", min_size=16, max_size=16), st.dates(date(1990, 1, 1), date(2100, 1, 1)))
def test_any_16_digits_either_parse_to_a_plausible_nik_or_are_refused(text: str, today: date) -> None:
    try:
        nik = parse_nik(text, today=today)
    except InvalidField as refused:
        assert refused.message_en and refused.message_id
        return
    assert nik.province_code in PROVINCES
    assert nik.birth_date <= today
    assert (today - nik.birth_date).days <= 121 * 366
    assert nik.serial >= 1
