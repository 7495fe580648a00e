"""The gateway's registration numbers: ``PI/2026/DINKES/000123``, ``KB/2026/DINKES/000007``.

Kind prefix (``PI`` permohonan informasi, ``KB`` keberatan), year, the OPD's
code and a sequence, zero-padded to six digits and wider past 999999. One
number is written one way only: :func:`parse_registration_number` accepts
any case and surrounding spaces but nothing else, so that parsing a number
and formatting it again gives the same text, upper-cased.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import RequestKind

__all__ = [
    "MAX_OPD_CODE_LENGTH",
    "RegistrationNumber",
    "format_registration_number",
    "opd_code",
    "parse_registration_number",
]

MAX_OPD_CODE_LENGTH = 16
"""An OPD code's most characters."""

_SEQUENCE_WIDTH = 6
_PREFIXES = {RequestKind.INFORMATION: "PI", RequestKind.OBJECTION: "KB"}
_KINDS = {prefix: kind for kind, prefix in _PREFIXES.items()}
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]")
# the sequence: exactly six digits, or more without a leading zero (the canonical widths)
_OPD_CODE = re.compile(rf"[A-Z0-9]{{1,{MAX_OPD_CODE_LENGTH}}}")
_NUMBER = re.compile(
    rf"(?P<prefix>PI|KB)/(?P<year>[1-9][0-9]{{3}})/(?P<opd>{_OPD_CODE.pattern})"
    r"/(?P<sequence>[0-9]{6}|[1-9][0-9]{6,})"
)


def opd_code(slug: str) -> str:
    """An OPD's code in registration numbers: its slug upper-cased, letters and digits only, at most 16.

    ``opd_code("dinkes") == "DINKES"``, ``opd_code("dpmptsp-banten") == "DPMPTSPBANTEN"``.
    Raises ``ValueError`` when no letter or digit is left.
    """
    code = _NOT_ALPHANUMERIC.sub("", slug.upper().encode("ascii", "ignore").decode())
    if not code:
        raise ValueError(f"the OPD slug {slug!r} has no letter or digit to make a code of")
    return code[:MAX_OPD_CODE_LENGTH]


@dataclass(frozen=True)
class RegistrationNumber:
    """A parsed registration number; ``str()`` formats it."""

    kind: RequestKind
    year: int
    opd_code: str
    """Upper-case letters and digits, 1–16 characters."""
    sequence: int
    """From 1, per kind, year and OPD."""

    def __str__(self) -> str:
        return format_registration_number(self.kind, self.year, self.opd_code, self.sequence)


def format_registration_number(kind: RequestKind, year: int, opd_code: str, sequence: int) -> str:
    """The text of a registration number, e.g. ``PI/2026/DINKES/000123``.

    ``opd_code`` must already be a code (:func:`opd_code` makes one from a
    slug); ``year`` has four digits; ``sequence`` starts at 1. Raises
    ``ValueError`` otherwise, since a number the parser would refuse must
    never be issued.
    """
    if not 1000 <= year <= 9999:
        raise ValueError(f"the year must have four digits, not {year}")
    if not _OPD_CODE.fullmatch(opd_code):
        raise ValueError(f"the OPD code must be 1–16 upper-case letters or digits, not {opd_code!r}")
    if sequence < 1:
        raise ValueError(f"the sequence starts at 1, not {sequence}")
    return f"{_PREFIXES[kind]}/{year}/{opd_code}/{sequence:0{_SEQUENCE_WIDTH}d}"


def parse_registration_number(text: str) -> RegistrationNumber | None:
    """The number ``text`` spells, or ``None`` if it is not a registration number.

    Tolerates any case and surrounding whitespace; refuses inner spaces,
    other separators, and non-canonical widths (``00123``, ``0001234``).
    """
    stripped = text.strip()
    # ASCII first: str.upper() turns some non-ASCII letters into ASCII ones ("ı" into "I")
    match = _NUMBER.fullmatch(stripped.upper()) if stripped.isascii() else None
    if match is None:
        return None
    sequence = int(match["sequence"])
    if sequence < 1:
        return None
    return RegistrationNumber(_KINDS[match["prefix"]], int(match["year"]), match["opd"], sequence)
