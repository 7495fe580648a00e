"""A request's status as an officer of its OPD sees it: the detail with the requester in full, audited.

The requester's data is decrypted in the transaction that writes the audit
row of that read, with the officer's id and why (UU 27/2022): there is no
way to get the data without leaving the trace. Every officer answer that
returns the status is such a read too, whether or not the client asked for
the requester's fields: the gateway cannot see the selection, so it logs
more rather than less.
"""

from __future__ import annotations

from datetime import date

from gateway.identity.crypto import PersonalDataCipher
from gateway.kip.vocabulary import RequestKind
from gateway.ledger import LedgerTransaction, RequestRow
from gateway.officers import Officer

from .personal import unmasked_requester
from .status import DetailedStatus, detailed_status

__all__ = ["read_officer_status"]


async def read_officer_status(
    tx: LedgerTransaction,
    cipher: PersonalDataCipher,
    row: RequestRow,
    officer: Officer,
    *,
    today: date,
    purpose: str,
) -> DetailedStatus:
    """The detailed status of ``row`` with the requester unmasked, read for ``officer`` in ``tx``.

    ``purpose`` says why, in the audit log. The caller has checked that the
    officer may read the request (:func:`gateway.officers.require_reader`).
    """
    requester, fields = unmasked_requester(cipher, row)
    if fields:
        await tx.record_personal_data_read(
            row.id, actor_kind=officer.actor_kind, actor_id=officer.id, fields=fields, purpose=purpose
        )
    parent = None if row.parent_id is None else await tx.get_request(row.parent_id)
    objections = await tx.objections_to(row.id) if row.kind is RequestKind.INFORMATION else []
    return detailed_status(
        row, await tx.events(row.id), requester, today=today, parent=parent, objections=objections
    )
