"""A requester's personal data: encrypted on the way into the ledger, masked on the way out.

Each value is encrypted under its field's name (``nik``, ``phone``…) as
associated data, so a value copied into another column does not decrypt.
The NIK is also kept as a keyed hash, to find one person's requests
without decrypting every row. Nothing here logs, and nothing returns a
plaintext: the citizen's own Cek Status shows ``3603********0001``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.identity.contact import mask_address, mask_email, mask_phone
from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.nik import mask_nik
from gateway.identity.requester import Requester
from gateway.kip.vocabulary import RequesterType
from gateway.ledger import RequestRow

__all__ = ["PERSONAL_FIELDS", "MaskedRequester", "encrypt_requester", "masked_requester"]

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


def masked_requester(cipher: PersonalDataCipher, row: RequestRow) -> tuple[MaskedRequester, tuple[str, ...]]:
    """The row's requester, masked, and the fields that had to be decrypted (for the audit log).

    Raises :class:`gateway.identity.crypto.DecryptionError` when a value was
    altered or its key is not configured.
    """
    read: list[str] = []

    def reveal(field: str, token: str | None) -> str | None:
        if token is None:
            return None
        read.append(field)
        return cipher.decrypt(field, token)

    name = reveal("name", row.name_enc)
    nik = reveal("nik", row.nik_enc)
    legal = reveal("legal_entity_number", row.legal_entity_number_enc)
    address = reveal("address", row.address_enc)
    phone = reveal("phone", row.phone_enc)
    email = reveal("email", row.email_enc)
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
    return masked, tuple(read)
