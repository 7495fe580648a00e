"""A submission as the client sends it, the receipt it gets back, and what the OPD is sent."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.errors import ProblemList
from gateway.kip.request_form import InformationRequestForm, InformationRequestInput
from gateway.kip.vocabulary import RequestKind, RequestState, RoutedBy
from gateway.ledger import RequestRow

__all__ = [
    "CANCEL_REASON_FIELD",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "STATEMENT_FIELD",
    "InformationRequestSubmission",
    "Receipt",
    "cancel_payload",
    "canonical_submission",
    "check_idempotency_key",
    "receipt_of",
    "submission_payload",
]

MAX_IDEMPOTENCY_KEY_LENGTH = 200
"""The longest idempotency key kept (the ledger's column width)."""
STATEMENT_FIELD = "objection_statement"
"""The cipher's field name (associated data) of an objection's statement in an outbox payload."""
CANCEL_REASON_FIELD = "cancel_reason"
"""The cipher's field name of a cancellation's reason in an outbox payload."""


@dataclass(frozen=True)
class InformationRequestSubmission:
    """``submitInformationRequest``'s input: the form, and where the citizen wants it to go."""

    form: InformationRequestInput
    opd: str | None = None
    """The slug of the OPD the citizen chose; routing decides when absent."""
    document_id: str | None = None
    """The document the request is about, ``<opd-slug>:<local-id>``."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """The answer to a submission (UU KIP Pasal 22(4)–(5)): what the citizen keeps."""

    registration_number: str
    access_code: str = field(repr=False)
    """The secret that opens the detail and allows cancelling: show it to the citizen, never log it."""
    opd_slug: str
    routed_by: RoutedBy
    received_at: datetime
    due_date: date
    state: RequestState
    replayed: bool = False
    """True when this answers a retry with an idempotency key already used: nothing new was written."""


def receipt_of(row: RequestRow, code: str, *, replayed: bool = False) -> Receipt:
    """The receipt of the request or objection ``row``, with its access code (which nothing else keeps)."""
    return Receipt(
        registration_number=row.registration_number,
        access_code=code,
        opd_slug=row.opd_slug,
        routed_by=row.routed_by,
        received_at=row.received_at,
        due_date=row.due_date,
        state=row.state,
        replayed=replayed,
    )


def check_idempotency_key(key: str | None, problems: ProblemList) -> str | None:
    """The key as kept (trimmed), ``None`` when absent; a blank or overlong key is a problem."""
    if key is None:
        return None
    trimmed = key.strip()
    if not trimmed or len(trimmed) > MAX_IDEMPOTENCY_KEY_LENGTH or not trimmed.isprintable():
        problems.add(
            "idempotencyKey",
            f"The idempotency key must be 1–{MAX_IDEMPOTENCY_KEY_LENGTH} printable characters, "
            "e.g. a UUID made once per request and sent again with every retry of it.",
            f"Kunci idempotensi harus 1–{MAX_IDEMPOTENCY_KEY_LENGTH} karakter yang dapat dicetak, "
            "misalnya UUID yang dibuat sekali per permohonan dan dikirim ulang pada setiap percobaan ulang.",
        )
        return None
    return trimmed


def canonical_submission(form: InformationRequestForm, *, opd: str | None, document_id: str | None) -> str:
    """The validated submission as one text: equal for a retry, different for any other input.

    Built from the cleaned form, so a retry that only respells the phone
    number (``0812…`` for ``+62812…``) is still the same request. It holds
    personal data: it is only ever hashed with a key, never stored.
    """
    requester = form.requester
    values: dict[str, Any] = {
        "opd": (opd or "").strip().lower() or None,
        "document_id": (document_id or "").strip() or None,
        "type": requester.type.value,
        "name": requester.name,
        "nik": requester.nik.value if requester.nik else None,
        "legal_entity_number": requester.legal_entity_number,
        "address": requester.address,
        "phone": requester.phone,
        "email": requester.email,
        "occupation": requester.occupation,
        "details": form.details,
        "purpose": form.purpose,
        "obtain_method": form.obtain_method.value,
        "delivery_method": form.delivery_method.value if form.delivery_method else None,
    }
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


def submission_payload(
    row: RequestRow, *, parent: RequestRow | None = None, cipher: PersonalDataCipher | None = None
) -> dict[str, Any]:
    """The outbox payload delivering ``row`` to its OPD: personal data stays encrypted, as stored.

    For an objection, ``parent`` is the request objected to and ``cipher``
    encrypts the statement (``statement_enc``, field :data:`STATEMENT_FIELD`):
    citizens write names and circumstances into it, and the payload waits in
    the database until delivered. The delivery worker decrypts the ``_enc``
    values and builds a :class:`connectors.Submission` from the rest as named.
    """
    payload: dict[str, Any] = {
        "registration_number": row.registration_number,
        "kind": row.kind.value,
        "opd_slug": row.opd_slug,
        "received_at": row.received_at.isoformat(),
        "receipt_date": row.receipt_date.isoformat(),
        "due_date": row.due_date.isoformat(),
        "details": row.details,
        "purpose": row.purpose,
        "obtain_method": row.obtain_method.value if row.obtain_method else None,
        "delivery_method": row.delivery_method.value if row.delivery_method else None,
        "document_id": row.document_id,
        "requester": {
            "type": row.requester_type.value if row.requester_type else None,
            "occupation": row.occupation,
            "name_enc": row.name_enc,
            "nik_enc": row.nik_enc,
            "legal_entity_number_enc": row.legal_entity_number_enc,
            "address_enc": row.address_enc,
            "phone_enc": row.phone_enc,
            "email_enc": row.email_enc,
        },
    }
    if row.kind is RequestKind.OBJECTION:
        if parent is None or cipher is None:
            raise ValueError("an objection's payload needs the request objected to and the cipher")
        statement = row.objection_statement
        payload["reason"] = row.objection_reason.value if row.objection_reason else None
        payload["parent_registration_number"] = parent.registration_number
        payload["statement_enc"] = None if statement is None else cipher.encrypt(STATEMENT_FIELD, statement)
    return payload


def cancel_payload(
    registration_number: str, reason: str | None, cipher: PersonalDataCipher
) -> dict[str, Any]:
    """The outbox payload withdrawing a request from an OPD; the reason is free text, so encrypted."""
    return {
        "registration_number": registration_number,
        "reason_enc": None if reason is None else cipher.encrypt(CANCEL_REASON_FIELD, reason),
    }
