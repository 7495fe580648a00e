"""The officers of the desk tests, and ways to set up what they act on."""

from __future__ import annotations

from datetime import date

from gateway.kip.roles import OfficerRole
from gateway.kip.vocabulary import ObjectionReason, RequestKind, RequestState
from gateway.ledger import ActorKind, Ledger, NewRequest, RequestRow
from gateway.officers import Officer

from .conftest import NOW

PPID_DINKES = Officer(id="dinkes-ppid", name="PPID Pembantu Dinkes", role=OfficerRole.PPID, opd_slug="dinkes")
ATASAN_DINKES = Officer(
    id="dinkes-atasan", name="Atasan PPID Dinkes", role=OfficerRole.ATASAN, opd_slug="dinkes"
)
PPID_DINDIKBUD = Officer(
    id="dindikbud-ppid", name="PPID Pembantu Dindikbud", role=OfficerRole.PPID, opd_slug="dindikbud"
)
ATASAN_DINDIKBUD = Officer(
    id="dindikbud-atasan", name="Atasan PPID Dindikbud", role=OfficerRole.ATASAN, opd_slug="dindikbud"
)
UTAMA = Officer(id="ppid-utama", name="PPID Utama Banten", role=OfficerRole.PPID_UTAMA, opd_slug=None)


async def row_of(ledger: Ledger, number: str) -> RequestRow:
    """The request numbered ``number`` as stored."""
    async with ledger.transaction() as tx:
        row = await tx.find_by_registration_number(number)
    assert row is not None
    return row


async def file_objection(ledger: Ledger, request_number: str, *, sequence: int = 1) -> str:
    """An objection (reason C) to ``request_number``, written as the ledger stores one; returns its number."""
    request = await row_of(ledger, request_number)
    number = f"KB/2026/{request.opd_slug.upper()}/{sequence:06d}"
    async with ledger.transaction() as tx:
        objection = await tx.insert_request(
            NewRequest(
                registration_number=number,
                kind=RequestKind.OBJECTION,
                opd_slug=request.opd_slug,
                routed_by=request.routed_by,
                received_at=NOW,
                receipt_date=date(2026, 3, 13),
                due_date=date(2026, 4, 24),
                access_code_hash="scrypt$16384$8$1$c2FsdA==$aGFzaA==",
                requester_type=request.requester_type,
                name_enc=request.name_enc,
                nik_enc=request.nik_enc,
                nik_hash=request.nik_hash,
                address_enc=request.address_enc,
                phone_enc=request.phone_enc,
                email_enc=request.email_enc,
                parent_id=request.id,
                objection_reason=ObjectionReason.C,
                objection_statement="Tidak ada jawaban sampai batas waktu",
            )
        )
        await tx.add_event(
            objection.id,
            at=NOW,
            actor_kind=ActorKind.REQUESTER,
            actor_id=None,
            from_state=None,
            to_state=RequestState.RECEIVED,
        )
    return number
