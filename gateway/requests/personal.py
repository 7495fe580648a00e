"""A requester's personal data: encrypted on the way into the ledger, masked on the way out.

Each value is encrypted under its field's name (``nik``, ``phone``…) as
associated data, so a value copied into another column does not decrypt.
The NIK is also kept as a keyed hash, to find one person's requests
without decrypting every row. Nothing here logs, and nothing returns a
plaintext: the citizen's own Cek Status shows ``3603********0001``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.identity.contact import mask_address, mask_email, mask_phone
from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.nik import mask_nik
from gateway.identity.requester import Requester
from gateway.kip.vocabulary import RequesterType
from gateway.ledger import RequestRow

__all__ = [
    "PERSONAL_FIELDS",
    "MaskedRequester",
    "UnmaskedRequester",
    "encrypt_requester",
    "masked_requester",
    "unmasked_requester",
]

PERSONAL_FIELDS = ("name", "nik", "legal_entity_number", "address", "phone", "email")
"""The requester fields kept encrypted; each is stored in the column ``<field>_enc``."""


@dataclass(frozen=True, slots=True)
class MaskedRequester:
    """The requester as the citizen's own status check shows them: recognisable, not readable."""

    type: RequesterType | None
    name: str | None
    nik: str | None
    legal_entity_number: str | None
    address: str | None
    phone: str | None
    email: str | None
    occupation: str | None


@dataclass(frozen=True, slots=True)
class UnmaskedRequester:
    """The requester in full: for the officers of the routed OPD and PPID Utama, each read audited.

    Personal data (UU 27/2022): never log it. Its ``repr`` shows the type only.
    """

    type: RequesterType | None
    name: str | None = field(repr=False)
    nik: str | None = field(repr=False)
    legal_entity_number: str | None = field(repr=False)
    address: str | None = field(repr=False)
    phone: str | None = field(repr=False)
    """E.164, as stored: ``+6281234567890``."""
    email: str | None = field(repr=False)
    occupation: str | None = field(repr=False)


def encrypt_requester(cipher: PersonalDataCipher, requester: Requester) -> dict[str, Any]:
    """The ledger columns of ``requester``: ``<field>_enc`` ciphertexts, ``nik_hash``, type, occupation."""
    plain = {
        "name": requester.name,
        "nik": requester.nik.value if requester.nik else None,
        "legal_entity_number": requester.legal_entity_number,
        "address": requester.address,
        "phone": requester.phone,
        "email": requester.email,
    }
    columns: dict[str, Any] = {
        f"{field}_enc": None if value is None else cipher.encrypt(field, value)
        for field, value in plain.items()
    }
    columns["nik_hash"] = cipher.keyed_hash("nik", requester.nik.value) if requester.nik else None
    columns["requester_type"] = requester.type
    columns["occupation"] = requester.occupation
    return columns


def _mask_name(name: str) -> str:
    # the initials only: enough for the citizen to recognise their request, too little to identify them
    return " ".join(f"{word[0]}***" for word in name.split())


def _mask_tail(text: str) -> str:
    return f"***{text[-3:]}" if len(text) > 6 else "***"


def _decrypted(cipher: PersonalDataCipher, row: RequestRow) -> tuple[dict[str, str | None], tuple[str, ...]]:
    """Every personal field of ``row`` in plain text, and the fields that had to be decrypted."""
    columns = {
        "name": row.name_enc,
        "nik": row.nik_enc,
        "legal_entity_number": row.legal_entity_number_enc,
        "address": row.address_enc,
        "phone": row.phone_enc,
        "email": row.email_enc,
    }
    plain = {name: None if token is None else cipher.decrypt(name, token) for name, token in columns.items()}
    return plain, tuple(name for name, token in columns.items() if token is not None)


def masked_requester(cipher: PersonalDataCipher, row: RequestRow) -> tuple[MaskedRequester, tuple[str, ...]]:
    """The row's requester, masked, and the fields that had to be decrypted (for the audit log).

    Raises :class:`gateway.identity.crypto.DecryptionError` when a value was
    altered or its key is not configured.
    """
    plain, read = _decrypted(cipher, row)
    name, nik, legal = plain["name"], plain["nik"], plain["legal_entity_number"]
    address, phone, email = plain["address"], plain["phone"], plain["email"]
    masked = MaskedRequester(
        type=row.requester_type,
        name=None if name is None else _mask_name(name),
        nik=None if nik is None else mask_nik(nik),
        legal_entity_number=None if legal is None else _mask_tail(legal),
        address=None if address is None else mask_address(address),
        phone=None if phone is None else mask_phone(phone),
        email=None if email is None else mask_email(email),
        occupation=row.occupation,
    )
    return masked, read


def unmasked_requester(
    cipher: PersonalDataCipher, row: RequestRow
) -> tuple[UnmaskedRequester, tuple[str, ...]]:
    """The row's requester in full, and the fields that had to be decrypted (for the audit log).

    Only for an officer allowed to read them; the caller writes the audit
    row in the same transaction. Raises what :func:`masked_requester` raises.
    """
    plain, read = _decrypted(cipher, row)
    return UnmaskedRequester(type=row.requester_type, occupation=row.occupation, **plain), read
