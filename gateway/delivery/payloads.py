"""From an outbox entry to the :class:`connectors.Submission` an OPD's connector receives.

The ledger keeps a delivery's personal data encrypted, as the request row
does; it is decrypted here, at the last moment, and only into the
submission object (whose ``repr`` hides it). Nothing here logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from connectors import RequesterDetails, Submission, SubmissionOperation
from gateway.identity.crypto import PersonalDataCipher
from gateway.kip.vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
)
from gateway.ledger import OutboxOperation, OutboxRow, RequestRow
from gateway.requests.submission import CANCEL_REASON_FIELD, STATEMENT_FIELD

__all__ = ["build_submission", "local_document_id"]


def build_submission(
    entry: OutboxRow, request: RequestRow, cipher: PersonalDataCipher, *, reference: str | None = None
) -> Submission:
    """The submission ``entry`` delivers, for ``request`` (the row it belongs to).

    ``reference`` is the OPD's own id from the earlier delivery, which a
    ``CANCEL`` names. Raises :class:`gateway.identity.crypto.DecryptionError`
    when a value cannot be decrypted with the configured keys, and
    ``pydantic.ValidationError`` when the payload lacks what the operation needs.
    """
    payload = entry.payload
    if entry.operation is OutboxOperation.CANCEL:
        return Submission(
            registration_number=payload["registration_number"],
            kind=request.kind,
            operation=SubmissionOperation.CANCEL,
            received_at=entry.created_at,
            cancel_reason=_decrypt(cipher, CANCEL_REASON_FIELD, payload.get("reason_enc")),
            reference=reference,
        )
    kind = RequestKind(payload["kind"])
    common: dict[str, Any] = {
        "registration_number": payload["registration_number"],
        "kind": kind,
        "received_at": datetime.fromisoformat(payload["received_at"]),
        "due_date": date.fromisoformat(payload["due_date"]),
        "requester": _requester(cipher, payload["requester"]),
    }
    if kind is RequestKind.OBJECTION:
        return Submission(
            **common,
            reason=ObjectionReason(payload["reason"]),
            statement=_decrypt(cipher, STATEMENT_FIELD, payload.get("statement_enc")),
            parent_registration_number=payload["parent_registration_number"],
        )
    return Submission(
        **common,
        details=payload["details"],
        purpose=payload["purpose"],
        obtain_method=ObtainMethod(payload["obtain_method"]),
        delivery_method=_enum(DeliveryMethod, payload.get("delivery_method")),
        document_local_id=local_document_id(payload.get("document_id"), entry.opd_slug),
    )


def local_document_id(document_id: str | None, opd_slug: str) -> str | None:
    """The OPD's local id in a global ``<opd-slug>:<local-id>``, when the document is ``opd_slug``'s own."""
    if not document_id:
        return None
    slug, separator, local = document_id.partition(":")
    return local if separator and slug == opd_slug and local else None


def _requester(cipher: PersonalDataCipher, block: Mapping[str, Any]) -> RequesterDetails:
    return RequesterDetails(
        type=RequesterType(block["type"]),
        name=_decrypt(cipher, "name", block.get("name_enc")),
        nik=_decrypt(cipher, "nik", block.get("nik_enc")),
        legal_entity_number=_decrypt(cipher, "legal_entity_number", block.get("legal_entity_number_enc")),
        address=_decrypt(cipher, "address", block.get("address_enc")),
        phone=_decrypt(cipher, "phone", block.get("phone_enc")),
        email=_decrypt(cipher, "email", block.get("email_enc")),
        occupation=block.get("occupation"),
    )


def _decrypt(cipher: PersonalDataCipher, field: str, token: str | None) -> Any:
    return None if token is None else cipher.decrypt(field, token)


def _enum(cls: Any, value: str | None) -> Any:
    return None if value is None else cls(value)
