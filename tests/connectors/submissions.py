"""Submissions as the gateway's outbox delivers them, for intake tests (made-up people, valid shapes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from connectors import (
    WIB,
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterDetails,
    RequesterType,
    RequestKind,
    Submission,
    SubmissionOperation,
)

RECEIVED_AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=WIB)
REQUESTER = RequesterDetails(
    type=RequesterType.INDIVIDUAL,
    name="Siti Rahmawati",
    nik="3603014101900001",
    address="Jl. Ahmad Yani No. 5, Serang",
    phone="+6281234567890",
    email="siti@example.id",
    occupation="Peneliti",
)


def information_request(number: str = "PI/2026/DINKES/000001", **changes: Any) -> Submission:
    """A request for a softcopy by e-mail."""
    fields: dict[str, Any] = {
        "registration_number": number,
        "kind": RequestKind.INFORMATION,
        "received_at": RECEIVED_AT,
        "due_date": dt.date(2026, 3, 16),
        "requester": REQUESTER,
        "details": "Data cakupan imunisasi dasar per kabupaten tahun 2025",
        "purpose": "Penelitian skripsi tentang layanan kesehatan",
        "obtain_method": ObtainMethod.COPY_SOFT,
        "delivery_method": DeliveryMethod.EMAIL,
    }
    return Submission(**{**fields, **changes})


def objection(number: str = "KB/2026/DINKES/000001", **changes: Any) -> Submission:
    """An objection to :func:`information_request`'s request: it was not answered."""
    fields: dict[str, Any] = {
        "registration_number": number,
        "kind": RequestKind.OBJECTION,
        "received_at": RECEIVED_AT + dt.timedelta(days=20),
        "due_date": dt.date(2026, 5, 6),
        "requester": REQUESTER,
        "reason": ObjectionReason.C,
        "statement": "Permohonan saya belum dijawab sampai batas waktu.",
        "parent_registration_number": "PI/2026/DINKES/000001",
    }
    return Submission(**{**fields, **changes})


def cancellation(reference: str | None, number: str = "PI/2026/DINKES/000001") -> Submission:
    """The requester withdraws ``number``, which the OPD knows as ``reference``."""
    return Submission(
        registration_number=number,
        kind=RequestKind.INFORMATION,
        operation=SubmissionOperation.CANCEL,
        received_at=RECEIVED_AT + dt.timedelta(days=1),
        reference=reference,
        cancel_reason="Informasi sudah saya peroleh dari situs resmi.",
    )
