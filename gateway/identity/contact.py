"""A requester's contact details: phone and e-mail checked and normalised, and masked for display.

Phones are stored in E.164 (``+6281234567890``) whatever way they were typed
(``0812-3456-7890``, ``+62 812 3456 7890``, ``6281234567890``), so that one
number is one value. E-mail addresses are checked for syntax only: a
deliverability check would need the network and would tell a third party
who is asking for information.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .errors import InvalidField

__all__ = ["mask_address", "mask_email", "mask_phone", "normalize_email", "normalize_phone"]

_REGION = "ID"
_SEPARATORS = re.compile(r"[\s\-.()/]")
_DIALLABLE = re.compile(r"\+?[0-9]{4,20}")
_PHONE_EXAMPLE = (
    "Enter a phone number where you can be reached, e.g. 0812 3456 7890 or +62 812 3456 7890.",
    "Isi nomor telepon yang dapat dihubungi, misalnya 0812 3456 7890 atau +62 812 3456 7890.",
)


def normalize_phone(text: str, *, field: str = "phone") -> str:
    """``text`` as an E.164 number, or :class:`InvalidField`.

    Indonesian numbers may be written nationally (``08…``, ``021…``) or with
    the country code, with or without ``+`` (``+628…``, ``628…``). A number
    of another country needs its ``+``: citizens abroad may ask too.
    """
    compact = _SEPARATORS.sub("", text)
    if not _DIALLABLE.fullmatch(compact):
        raise InvalidField(field, *_PHONE_EXAMPLE)
    if compact.startswith("62"):
        # 62… is the country code typed without +; no Indonesian number is dialled nationally as 62…
        compact = "+" + compact
    try:
        number = phonenumbers.parse(compact, _REGION)
    except phonenumbers.NumberParseException:
        raise InvalidField(field, *_PHONE_EXAMPLE) from None  # its message may quote the number
    if not phonenumbers.is_valid_number(number):
        raise InvalidField(field, *_PHONE_EXAMPLE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(text: str, *, field: str = "email") -> str:
    """``text`` as a normalised e-mail address (domain lower-cased), or :class:`InvalidField`.

    Syntax only: no DNS look-up.
    """
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        # the library's message can quote parts of the address: personal data
        raise InvalidField(
            field,
            "Enter a valid e-mail address, e.g. nama@contoh.id.",
            "Isi alamat e-mail yang valid, misalnya nama@contoh.id.",
        ) from None
    return checked.normalized


def mask_phone(phone: str) -> str:
    """``+62812****789``: the country code, three digits after it, and the last three.

    Takes a number as :func:`normalize_phone` returns it; a short number
    shows only its last two digits, and one that does not parse shows none.
    """
    try:
        number = phonenumbers.parse(phone, _REGION)
    except phonenumbers.NumberParseException:
        return "****"
    national = phonenumbers.national_significant_number(number)
    if len(national) < 9:
        return f"+{number.country_code}****{national[-2:]}"
    return f"+{number.country_code}{national[:3]}****{national[-3:]}"


def mask_email(email: str) -> str:
    """``b***@example.com``: the first character of the local part, and the domain."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_address(address: str) -> str:
    """``Jl.…``: the first word only; a one-word address shows nothing."""
    words = address.split()
    if len(words) < 2:
        return "…"
    return f"{words[0]}…"
