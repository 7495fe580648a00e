"""Objections (keberatan, UU KIP Pasal 35–37) as the requester files them, and their disputes.

With a request's number and access code, the requester may object on a
reason of Pasal 35(1) that has arisen and is still within its 30 working
days (:mod:`gateway.kip.objection_reasons`). The objection is a ledger row
of its own: kind ``OBJECTION``, number ``KB/<year>/<OPD>/<seq>``, its own
access code, due 30 working days after receipt (Pasal 36(2)), written with
its first history event, its idempotency key and, when the OPD's connector
takes submissions, its outbox entry, all in one transaction. Once the
atasan PPID decided it, or those 30 days lapsed without a decision, the
requester records that they took it to the Komisi Informasi within 14
working days (Pasal 37(2)): ``DISPUTED``, with the date.

Decisions, each for a reason:

- **The access code is checked first**, through the service's one check
  (which also rate-limits wrong codes), before a retry is answered: an
  idempotency key alone never returns an objection's access code.
- **Same OPD, same ``routed_by``**: the objection goes where the request
  went, chosen the way the request's OPD was; ``DEFAULT`` would claim that
  PPID Utama was chosen for want of anything better.
- **The requester columns are copied as stored** (ciphertext and NIK hash),
  nothing is decrypted to file: one person's objections are found, exported
  and erased with their requests.
- **The request itself is not changed and gets no history event**: its
  public history lists its states, and an entry without a change would read
  as one. Its objections are found with ``objections_to`` and listed in its
  detail.
- **One objection per reason and request**: a second on the same reason is
  refused with the first one's number. A client that lost a receipt sends
  its idempotency key again instead.
- **The statement is kept as written**, as a request's details are; the
  outbox payload carries it encrypted, since it waits in the database and
  citizens write names and circumstances into it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.errors import ProblemList
from gateway.identity.text_fields import TextField
from gateway.kip.deadlines import DISPUTE_FILING_DAYS, dispute_filing_deadline, objection_answer_due
from gateway.kip.errors import RuleViolation
from gateway.kip.lifecycle import OUTCOMES
from gateway.kip.objection_reasons import RequestFacts, require_objection_reasons
from gateway.kip.registration import format_registration_number, opd_code
from gateway.kip.vocabulary import ObjectionReason, RequestKind, RequestState
from gateway.kip.working_days import receipt_date
from gateway.ledger import ActorKind, Ledger, LedgerTransaction, NewRequest, OutboxOperation, RequestRow
from gateway.ledger.clock import Clock

from .calendar import CalendarSource
from .errors import ledger_available
from .moves import move_by_requester, number_and_note, reread
from .numbers import parse_number
from .retries import Retry, register_once
from .status import DetailedStatus, read_detailed_status
from .submission import Receipt, check_idempotency_key, submission_payload

__all__ = ["SUBMIT_OBJECTION_SCOPE", "Objections", "OpenRequest", "request_facts"]

SUBMIT_OBJECTION_SCOPE = "submit_objection"
"""The idempotency scope of objections."""

OpenRequest = Callable[[str, str], Awaitable[RequestRow]]
"""``(number, access code)`` → the row, once the code opened it; else the service's refusal.

Raises :class:`RequestNotFound`, the ``WRONG_ACCESS_CODE`` rule violation, or
:class:`~.errors.RateLimited` after too many wrong codes.
"""

_log = logging.getLogger(__name__)
_KIND = RequestKind.OBJECTION
_STATEMENT = TextField(
    "the statement of your objection (what happened and what you ask for)",
    "Uraian keberatan",
    5,
    5000,
    multiline=True,
)
_DISPUTE_NOTE = TextField("the note on the dispute", "Catatan sengketa", 1, 1000, multiline=True)


class Objections:
    """The requester's side of objections, over the request service's ledger and its checks.

    Built by :class:`~.service.RequestService`, which hands over its
    ``open_request`` so that every access code, here too, goes through the
    one check that counts wrong codes.
    """

    def __init__(
        self,
        ledger: Ledger,
        cipher: PersonalDataCipher,
        *,
        open_request: OpenRequest,
        accepts_intake: Callable[[str], bool],
        calendar: CalendarSource,
        clock: Clock,
    ) -> None:
        self._ledger = ledger
        self._cipher = cipher
        self._open_request = open_request
        self._accepts_intake = accepts_intake
        self._calendar = calendar
        self._clock = clock

    # -- submit

    async def submit(
        self,
        registration_number: str,
        access_code: str,
        reason: ObjectionReason,
        statement: str,
        *,
        idempotency_key: str | None = None,
    ) -> Receipt:
        """Register an objection to the request ``registration_number``; the same receipt for a retry."""
        problems = ProblemList()
        number = parse_number(registration_number, problems, raise_now=False)
        cleaned = problems.check("statement", lambda: _STATEMENT.clean(statement, field="statement"))
        key = check_idempotency_key(idempotency_key, problems)
        problems.raise_if_any()
        assert cleaned is not None  # else a problem was raised
        canonical = json.dumps(
            {"request": number, "reason": reason.value, "statement": cleaned},
            sort_keys=True,
            ensure_ascii=False,
        )
        retry = Retry(SUBMIT_OBJECTION_SCOPE, key, canonical, what=("objection", "keberatan"))
        now = self._clock()

        async def write(tx: LedgerTransaction, code_hash: str) -> RequestRow:
            return await self._register(
                tx, code_hash, number=number, reason=reason, statement=cleaned, now=now, key=key
            )

        with ledger_available():
            request = await self._open_request(number, access_code)
            if request.kind is not RequestKind.INFORMATION:
                raise _objection_to_objection()
            receipt = await register_once(self._ledger, self._cipher, retry, write)
        if not receipt.replayed:
            _log.info(
                "objection %s to %s received for %s (reason %s, intake %s)",
                receipt.registration_number,
                number,
                receipt.opd_slug,
                reason.value,
                "queued" if self._accepts_intake(receipt.opd_slug) else "inbox",
            )
        return receipt

    async def _register(
        self,
        tx: LedgerTransaction,
        code_hash: str,
        *,
        number: str,
        reason: ObjectionReason,
        statement: str,
        now: datetime,
        key: str | None,
    ) -> RequestRow:
        today = receipt_date(now)
        request = await reread(tx, number)
        code = opd_code(request.opd_slug)
        sequence = await tx.next_registration_sequence(_KIND, today.year, code)
        # read after the counter: on PostgreSQL its row lock makes objections to one OPD take
        # turns, so a twin filed a moment ago by a double click is seen here
        _refuse_second_objection(await tx.objections_to(request.id), reason)
        calendar = await self._calendar.calendar(tx)
        require_objection_reasons(await request_facts(tx, request), [reason], today, calendar)
        row = await tx.insert_request(
            NewRequest(
                registration_number=format_registration_number(_KIND, today.year, code, sequence),
                kind=_KIND,
                opd_slug=request.opd_slug,
                routed_by=request.routed_by,
                received_at=now,
                receipt_date=today,
                due_date=objection_answer_due(calendar, today),
                access_code_hash=code_hash,
                idempotency_key=key,
                requester_type=request.requester_type,
                name_enc=request.name_enc,
                nik_enc=request.nik_enc,
                nik_hash=request.nik_hash,
                legal_entity_number_enc=request.legal_entity_number_enc,
                address_enc=request.address_enc,
                phone_enc=request.phone_enc,
                email_enc=request.email_enc,
                occupation=request.occupation,
                parent_id=request.id,
                objection_reason=reason,
                objection_statement=statement,
            )
        )
        await tx.add_event(
            row.id,
            at=now,
            actor_kind=ActorKind.REQUESTER,
            actor_id=None,
            from_state=None,
            to_state=RequestState.RECEIVED,
        )
        if self._accepts_intake(row.opd_slug):
            await tx.enqueue(
                row.id,
                opd_slug=row.opd_slug,
                operation=OutboxOperation.SUBMIT_OBJECTION,
                payload=submission_payload(row, parent=request, cipher=self._cipher),
                now=now,
            )
        return row

    # -- dispute

    async def dispute(
        self, registration_number: str, access_code: str, note: str | None = None
    ) -> DetailedStatus:
        """Record that the objection was taken to the Komisi Informasi; returns its status, ``DISPUTED``."""
        number, cleaned = number_and_note(registration_number, note, field="note", rules=_DISPUTE_NOTE)
        with ledger_available():
            await self._open_request(number, access_code)
            now = self._clock()
            async with self._ledger.transaction() as tx:
                status = await self._dispute(tx, number, cleaned, now)
        _log.info("objection %s recorded as taken to the Komisi Informasi by the requester", number)
        return status

    async def _dispute(
        self, tx: LedgerTransaction, number: str, note: str | None, now: datetime
    ) -> DetailedStatus:
        row = await reread(tx, number)
        if row.kind is not RequestKind.OBJECTION:
            raise _dispute_of_a_request()
        today = receipt_date(now)
        if row.state is not RequestState.DISPUTED:  # disputed twice: the lifecycle says it is final
            calendar = await self._calendar.calendar(tx)
            decided = None if row.decided_at is None else receipt_date(row.decided_at)
            deadline = dispute_filing_deadline(
                calendar, objection_received=row.receipt_date, answered=decided
            )
            if today > deadline:
                raise _dispute_too_late(deadline)
        updated = await move_by_requester(
            tx, row, RequestState.DISPUTED, now=now, note=note, changes={"disputed_at": now}
        )
        return await read_detailed_status(tx, self._cipher, updated, today=today)


async def request_facts(tx: LedgerTransaction, request: RequestRow) -> RequestFacts:
    """What the objection reasons of ``request`` depend on, as the ledger has it now.

    The day it was answered is the WIB date of ``responded_at``; for an
    outcome recorded without it (an OPD's system reported the state), the
    day of the history event that recorded the outcome, or of the row's last
    update when even that is missing.
    """
    answered_at = request.responded_at
    if answered_at is None and request.state in OUTCOMES:
        into_outcome = [event.at for event in await tx.events(request.id) if event.to_state is request.state]
        answered_at = into_outcome[-1] if into_outcome else request.updated_at
    return RequestFacts(
        state=request.state,
        due_date=request.current_due_date,
        answered_on=None if answered_at is None else receipt_date(answered_at),
        exemption_ground=request.refusal_ground,
    )


def _refuse_second_objection(earlier: list[RequestRow], reason: ObjectionReason) -> None:
    for objection in earlier:
        if objection.objection_reason is reason:
            letter = reason.value.lower()
            raise RuleViolation(
                f"an objection on reason {letter} to this request was already filed as "
                f"{objection.registration_number}; follow it with that number and its access code",
                message_id=f"keberatan dengan alasan huruf {letter} atas permohonan ini sudah diajukan "
                f"dengan nomor {objection.registration_number}; pantau dengan nomor itu dan kode aksesnya",
                rule="UU KIP Pasal 35(1)",
                key="OBJECTION_ALREADY_FILED",
            )


def _objection_to_objection() -> RuleViolation:
    return RuleViolation(
        "an objection cannot itself be objected to: if the atasan PPID's answer does not satisfy you, "
        "or none came within 30 working days, take the objection to the Komisi Informasi (a dispute)",
        message_id="keberatan tidak dapat diajukan atas keberatan: jika tanggapan atasan PPID tidak "
        "memuaskan, atau tidak ada tanggapan dalam 30 hari kerja, ajukan sengketa ke Komisi Informasi",
        rule="UU KIP Pasal 35(1), 37(1)",
        key="OBJECTION_TO_OBJECTION",
    )


def _dispute_of_a_request() -> RuleViolation:
    return RuleViolation(
        "only an objection (a number starting KB/) can be taken to the Komisi Informasi; "
        "file an objection to this request first",
        message_id="hanya keberatan (nomor berawalan KB/) yang dapat diajukan ke Komisi Informasi; "
        "ajukan keberatan atas permohonan ini terlebih dahulu",
        rule="UU KIP Pasal 37(1)",
        key="DISPUTE_NEEDS_OBJECTION",
    )


def _dispute_too_late(deadline: date) -> RuleViolation:
    return RuleViolation(
        f"the {DISPUTE_FILING_DAYS} working days to take this objection to the Komisi Informasi "
        f"ended on {deadline.isoformat()}",
        message_id=f"batas {DISPUTE_FILING_DAYS} hari kerja untuk mengajukan keberatan ini "
        f"ke Komisi Informasi berakhir pada {deadline.isoformat()}",
        rule="UU KIP Pasal 37(2)",
        key="DISPUTE_TOO_LATE",
    )
