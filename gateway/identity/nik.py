"""The NIK (Nomor Induk Kependudukan): validate, parse and mask.

A NIK is 16 digits, ``PPKKCC DDMMYY SSSS``: the province, regency or city and
district where the person was first registered; the date of birth, with 40
added to the day for women; a serial from 0001. There is no checksum, so the
checks are the ones a forged or mistyped number most often fails: 16 digits,
a known province code, a real date of birth, a serial that is not 0000.

Any province is accepted, not only Banten: citizens of all Indonesia may ask.
A :class:`Nik`'s ``repr`` is masked, so it can reach a log without leaking.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from .errors import InvalidField

__all__ = ["MAX_AGE_YEARS", "PROVINCES", "Nik", "Sex", "mask_nik", "parse_nik"]

PROVINCES = MappingProxyType(
    {
        "11": "Aceh",
        "12": "Sumatera Utara",
        "13": "Sumatera Barat",
        "14": "Riau",
        "15": "Jambi",
        "16": "Sumatera Selatan",
        "17": "Bengkulu",
        "18": "Lampung",
        "19": "Kepulauan Bangka Belitung",
        "21": "Kepulauan Riau",
        "31": "DKI Jakarta",
        "32": "Jawa Barat",
        "33": "Jawa Tengah",
        "34": "DI Yogyakarta",
        "35": "Jawa Timur",
        "36": "Banten",
        "51": "Bali",
        "52": "Nusa Tenggara Barat",
        "53": "Nusa Tenggara Timur",
        "61": "Kalimantan Barat",
        "62": "Kalimantan Tengah",
        "63": "Kalimantan Selatan",
        "64": "Kalimantan Timur",
        "65": "Kalimantan Utara",
        "71": "Sulawesi Utara",
        "72": "Sulawesi Tengah",
        "73": "Sulawesi Selatan",
        "74": "Sulawesi Tenggara",
        "75": "Gorontalo",
        "76": "Sulawesi Barat",
        "81": "Maluku",
        "82": "Maluku Utara",
        "91": "Papua",
        "92": "Papua Barat",
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }
)
"""The 38 provinces by their Kemendagri code, the one NIKs use.

Not the BPS statistics codes, which differ for Papua (BPS: 91 Papua Barat,
94 Papua, 97 Papua Pegunungan). A NIK keeps the code of first registration,
so the codes of provinces split off later (65 from 64, 76 from 73, 93–96
from 91 and 92) and of their parents are all valid.
"""

MAX_AGE_YEARS = 120
"""The oldest plausible age; it decides the century of a two-digit birth year."""

_DIGITS = re.compile(r"[0-9]{16}")
_FEMALE_DAY_OFFSET = 40
_ON_YOUR_KTP = ("Check the NIK printed on your KTP.", "Periksa kembali NIK yang tertera pada KTP Anda.")


class Sex(enum.Enum):
    """The sex a NIK records (women's day of birth is written plus 40)."""

    MALE = "MALE"
    FEMALE = "FEMALE"


@dataclass(frozen=True, repr=False)
class Nik:
    """A valid NIK and what it says. ``str()`` and ``repr()`` show it masked."""

    value: str
    """The 16 digits: personal data, to be encrypted at rest and never logged."""
    birth_date: date
    sex: Sex
    serial: int

    def __post_init__(self) -> None:
        if not _DIGITS.fullmatch(self.value):
            raise ValueError("a Nik is 16 digits: build one with parse_nik")  # no value: it is personal data

    @property
    def province_code(self) -> str:
        """The two-digit province code, ``36`` for Banten."""
        return self.value[:2]

    @property
    def province(self) -> str:
        """The province's name."""
        return PROVINCES[self.province_code]

    @property
    def regency_code(self) -> str:
        """The four-digit regency or city code, ``3603`` for Kabupaten Tangerang."""
        return self.value[:4]

    @property
    def district_code(self) -> str:
        """The six-digit district (kecamatan) code."""
        return self.value[:6]

    @property
    def masked(self) -> str:
        """The NIK as a public field may show it: ``3603********0001``."""
        return mask_nik(self.value)

    def __repr__(self) -> str:
        return f"Nik({self.masked})"


def mask_nik(nik: str) -> str:
    """``3603********0001``: the regency and the serial; anything but 16 digits is all stars."""
    digits = nik.strip()
    if not _DIGITS.fullmatch(digits):
        return "*" * 16
    return f"{digits[:4]}{'*' * 8}{digits[12:]}"


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _birth_date(day: int, month: int, two_digit_year: int, today: date) -> date | None:
    """The latest real date with these digits that makes the person 0–120 years old today."""
    this_century = today.year - today.year % 100
    for century in (this_century, this_century - 100, this_century - 200):
        try:
            born = date(century + two_digit_year, month, day)
        except ValueError:  # 31 April, 29 February of a common year, year 0
            continue
        if born <= today:
            return born if _age(born, today) <= MAX_AGE_YEARS else None
    return None


def parse_nik(text: str, *, today: date, field: str = "nik") -> Nik:
    """The :class:`Nik` that ``text`` spells, or :class:`InvalidField` saying what is wrong.

    Surrounding whitespace is ignored. ``today`` (a WIB date) places the
    two-digit birth year: the most recent century in which the person is
    0–120 years old. ``field`` names the field in the error.
    """
    digits = text.strip()
    if not digits:
        raise InvalidField(
            field, "Enter the NIK (16 digits) from your KTP.", "Isi NIK (16 angka) dari KTP Anda."
        )
    if not _DIGITS.fullmatch(digits):
        raise InvalidField(
            field,
            "A NIK has exactly 16 digits (0–9), with no spaces or other characters.",
            "NIK terdiri atas tepat 16 angka (0–9), tanpa spasi atau karakter lain.",
        )
    if digits[:2] not in PROVINCES:
        raise InvalidField(
            field,
            f"The first two digits of a NIK are a province code, and these are not one. {_ON_YOUR_KTP[0]}",
            "Dua angka pertama NIK adalah kode provinsi, dan angka tersebut bukan kode provinsi. "
            f"{_ON_YOUR_KTP[1]}",
        )
    day, month, year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex = Sex.FEMALE if day > _FEMALE_DAY_OFFSET else Sex.MALE
    born = _birth_date(day - _FEMALE_DAY_OFFSET if sex is Sex.FEMALE else day, month, year, today)
    if born is None:
        raise InvalidField(
            field,
            "Digits 7 to 12 of a NIK are the date of birth (DDMMYY, with 40 added to the day for women), "
            f"and these are not a possible date of birth. {_ON_YOUR_KTP[0]}",
            "Angka ke-7 sampai ke-12 NIK adalah tanggal lahir (DDMMYY, tanggal ditambah 40 untuk perempuan), "
            f"dan angka tersebut bukan tanggal lahir yang mungkin. {_ON_YOUR_KTP[1]}",
        )
    serial = int(digits[12:])
    if serial == 0:
        raise InvalidField(
            field,
            f"The last four digits of a NIK are a serial number that starts at 0001. {_ON_YOUR_KTP[0]}",
            f"Empat angka terakhir NIK adalah nomor urut yang dimulai dari 0001. {_ON_YOUR_KTP[1]}",
        )
    return Nik(digits, born, sex, serial)
