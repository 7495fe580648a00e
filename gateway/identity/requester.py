"""Who asks: a requester's details checked as a whole (UU KIP Pasal 22(2), DOMAIN.md).

- everyone: full name, address, and a phone number or an e-mail address
  (or both); occupation is optional;
- ``INDIVIDUAL`` and ``PROXY``: the NIK from the KTP (a proxy gives their own);
- ``ORGANIZATION``: the legal entity's ratification number (nomor pengesahan
  badan hukum); a NIK is optional. Other types' legal entity numbers are
  not kept: the less personal data held, the less can leak.

Every problem is reported at once (:class:`InvalidInput`), at paths under
``requester.``. A :class:`Requester`'s ``repr`` is masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.kip.vocabulary import RequesterType

from .contact import mask_address, mask_email, mask_phone, normalize_email, normalize_phone
from .errors import InvalidInput, ProblemList
from .nik import Nik, parse_nik
from .text_fields import TextField

__all__ = ["Requester", "RequesterInput", "check_requester", "validate_requester"]

NAME = TextField("your full name", "Nama lengkap", minimum=2, maximum=200)
ADDRESS = TextField("your address", "Alamat", minimum=5, maximum=500)
OCCUPATION = TextField("your occupation", "Pekerjaan", maximum=100)
LEGAL_ENTITY_NUMBER = TextField(
    "the legal entity's ratification number", "Nomor pengesahan badan hukum", minimum=3, maximum=100
)
_NEEDS_NIK = frozenset({RequesterType.INDIVIDUAL, RequesterType.PROXY})


@dataclass(frozen=True)
class RequesterInput:
    """A requester as submitted: text as typed; a blank optional field counts as missing."""

    type: RequesterType
    name: str
    address: str
    nik: str | None = None
    legal_entity_number: str | None = None
    phone: str | None = None
    email: str | None = None
    occupation: str | None = None

    def __repr__(self) -> str:
        # submitted values are personal data: a repr must be safe to log
        return f"RequesterInput(type={self.type.value}, ...)"


@dataclass(frozen=True, repr=False)
class Requester:
    """A valid requester: text trimmed, phone in E.164, e-mail normalised, NIK parsed."""

    type: RequesterType
    name: str
    address: str
    nik: Nik | None
    legal_entity_number: str | None
    phone: str | None
    """E.164, ``+6281234567890``."""
    email: str | None
    occupation: str | None

    def __repr__(self) -> str:
        parts = [
            f"type={self.type.value}",
            f"name={self.name[:1]}***",
            f"nik={self.nik.masked if self.nik else None}",
            f"address={mask_address(self.address)}",
            f"phone={mask_phone(self.phone) if self.phone else None}",
            f"email={mask_email(self.email) if self.email else None}",
        ]
        return f"Requester({', '.join(parts)})"


def check_requester(
    raw: RequesterInput,
    *,
    today: date,
    problems: ProblemList,
    path: str = "requester",
    email_required: bool = False,
) -> Requester | None:
    """The valid :class:`Requester`, or ``None`` after adding every problem to ``problems``.

    For forms that check more than the requester. ``today`` (WIB) dates the
    NIK's birth year; ``email_required`` is set when a copy goes by e-mail.
    """
    found_before = len(problems.problems)
    name = problems.check(f"{path}.name", lambda: NAME.clean(raw.name, field="name"))
    address = problems.check(f"{path}.address", lambda: ADDRESS.clean(raw.address, field="address"))
    occupation = problems.check(
        f"{path}.occupation", lambda: OCCUPATION.clean_optional(raw.occupation, field="occupation")
    )
    nik = _nik(raw, today, problems, path)
    legal_entity_number = None
    if raw.type is RequesterType.ORGANIZATION:
        legal_entity_number = problems.check(
            f"{path}.legalEntityNumber",
            lambda: LEGAL_ENTITY_NUMBER.clean(raw.legal_entity_number, field="legalEntityNumber"),
        )
    phone, email = _contact(raw, problems, path, email_required=email_required)
    if len(problems.problems) > found_before or name is None or address is None:
        return None
    return Requester(raw.type, name, address, nik, legal_entity_number, phone, email, occupation)


def validate_requester(raw: RequesterInput, *, today: date, path: str = "requester") -> Requester:
    """The valid :class:`Requester`, or :class:`InvalidInput` listing every problem."""
    problems = ProblemList()
    requester = check_requester(raw, today=today, problems=problems, path=path)
    if requester is None:
        raise InvalidInput(problems.problems)
    return requester


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _nik(raw: RequesterInput, today: date, problems: ProblemList, path: str) -> Nik | None:
    if _blank(raw.nik):
        if raw.type in _NEEDS_NIK:
            problems.add(
                f"{path}.nik",
                "Enter the NIK (16 digits) from your KTP: it is required to ask for information.",
                "Isi NIK (16 angka) dari KTP Anda: NIK wajib diisi untuk mengajukan permohonan informasi.",
            )
        return None
    return problems.check(f"{path}.nik", lambda: parse_nik(raw.nik or "", today=today))


def _contact(
    raw: RequesterInput, problems: ProblemList, path: str, *, email_required: bool
) -> tuple[str | None, str | None]:
    phone = (
        None
        if _blank(raw.phone)
        else problems.check(f"{path}.phone", lambda: normalize_phone(raw.phone or ""))
    )
    email = (
        None
        if _blank(raw.email)
        else problems.check(f"{path}.email", lambda: normalize_email(raw.email or ""))
    )
    if email_required and _blank(raw.email):
        problems.add(
            f"{path}.email",
            "You chose to receive the copy by e-mail: enter your e-mail address.",
            "Anda memilih salinan dikirim melalui e-mail: isi alamat e-mail Anda.",
        )
    elif _blank(raw.phone) and _blank(raw.email):
        for field in ("phone", "email"):
            problems.add(
                f"{path}.{field}",
                "Enter a phone number or an e-mail address (or both) "
                "so the information officer can reach you.",
                "Isi nomor telepon atau alamat e-mail (atau keduanya) agar PPID dapat menghubungi Anda.",
            )
    return phone, email
