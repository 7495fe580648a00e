"""The request service: submit a request, check its status, cancel it (DESIGN.md §7).

Each submission is validated whole, routed, and written in one ledger
transaction with its first history event, its idempotency key and, when
the OPD's connector takes requests, its outbox entry: nothing is half
saved. Slow work (the access code's scrypt hash) happens outside the
transaction, which on SQLite holds the file's write lock.

Retries: a client that sends an idempotency key gets the same receipt for
the same input, access code included. The code is not stored; it is derived
from the gateway's personal-data key, the idempotency key and the input
(:mod:`.access_codes`), which only a retry with all three reproduces. The
same key with other input is refused on ``idempotencyKey``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gateway.config import GatewayConfig, RoutingRule
from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.errors import FieldProblem, InvalidInput, ProblemList
from gateway.identity.text_fields import TextField
from gateway.kip.deadlines import response_due
from gateway.kip.lifecycle import Actor, authorize_transition
from gateway.kip.registration import format_registration_number, opd_code, parse_registration_number
from gateway.kip.request_form import InformationRequestForm, validate_information_request
from gateway.kip.vocabulary import RequestKind, RequestState
from gateway.kip.working_days import receipt_date
from gateway.ledger import (
    ActorKind,
    DuplicateIdempotencyKey,
    IdempotencyRow,
    Ledger,
    LedgerTransaction,
    LedgerUnavailable,
    NewRequest,
    OutboxOperation,
    RequestRow,
)
from gateway.ledger.clock import Clock, utc_now

from .access_codes import derived_access_code, hash_access_code, new_access_code, verify_access_code
from .calendar import CalendarSource, LedgerCalendarSource
from .errors import RequestNotFound, ServiceUnavailable, wrong_access_code
from .personal import encrypt_requester, masked_requester
from .routing import Route, choose_route
from .status import DetailedStatus, PublicStatus, detailed_status, public_status
from .submission import (
    InformationRequestSubmission,
    Receipt,
    canonical_submission,
    check_idempotency_key,
    submission_payload,
)

__all__ = ["SUBMIT_SCOPE", "RequestService"]

SUBMIT_SCOPE = "submit_information_request"
"""The idempotency scope of submissions."""

_log = logging.getLogger(__name__)
_KIND = RequestKind.INFORMATION
# keyed-hash "fields": separate from the personal-data fields, so no hash doubles as another
_FINGERPRINT = "submission fingerprint"
_DERIVED_CODE = "access code"
_CANCEL_REASON = TextField("the reason for cancelling", "Alasan pembatalan", 1, 1000, multiline=True)
_READ_PURPOSE = "Cek Status by the requester with the access code (shown masked)"


@contextmanager
def _ledger_available() -> Iterator[None]:
    try:
        yield
    except LedgerUnavailable as exc:
        _log.warning("request ledger unavailable: %s", exc.reason)
        raise ServiceUnavailable() from exc


@dataclass(frozen=True, slots=True)
class _Checked:
    """A valid submission, routed, with what identifies its retries."""

    form: InformationRequestForm
    route: Route
    document_id: str | None
    idempotency_key: str | None
    canonical: str


class RequestService:
    """Information requests for the whole province, over one ledger.

    ``accepts_intake(slug)`` says whether that OPD's connector declares
    ``REQUEST_INTAKE`` (the caller knows: a REST connector decides it per
    instance, from its settings); requests to other OPDs wait in the
    gateway's own inbox. ``calendar`` defaults to the official Indonesian
    days off with the ledger's overrides; ``routing_rules`` to the config's.
    ``clock`` gives the time of receipt (timezone-aware).
    """

    def __init__(
        self,
        ledger: Ledger,
        cipher: PersonalDataCipher,
        config: GatewayConfig,
        *,
        accepts_intake: Callable[[str], bool],
        calendar: CalendarSource | None = None,
        routing_rules: Sequence[RoutingRule] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._ledger = ledger
        self._cipher = cipher
        self._config = config
        self._accepts_intake = accepts_intake
        self._calendar = calendar or LedgerCalendarSource()
        self._rules = tuple(config.routing_rules if routing_rules is None else routing_rules)
        self._clock = clock

    # -- submit

    async def submit_information_request(
        self, submission: InformationRequestSubmission, *, idempotency_key: str | None = None
    ) -> Receipt:
        """Register a request and return its receipt; the same receipt again for a retry.

        Raises :class:`InvalidInput` listing every problem (form, ``opd``,
        ``documentId``, ``idempotencyKey``) with nothing written, and
        :class:`ServiceUnavailable` when the database does not answer.
        """
        now = self._clock()
        today = receipt_date(now)
        checked = self._check(submission, idempotency_key, today)
        with _ledger_available():
            if checked.idempotency_key is not None:
                async with self._ledger.transaction() as tx:
                    saved = await tx.find_idempotency(SUBMIT_SCOPE, checked.idempotency_key)
                    if saved is not None:
                        return await self._replay(tx, saved, checked)
            code = self._access_code(checked)
            code_hash = await hash_access_code(code)
            personal = encrypt_requester(self._cipher, checked.form.requester)
            intake = self._accepts_intake(checked.route.opd_slug)
            try:
                async with self._ledger.transaction() as tx:
                    row = await self._register(tx, checked, now, code_hash, personal, intake=intake)
            except DuplicateIdempotencyKey as taken:
                # a concurrent retry committed first and ours was rolled back: answer as it did
                async with self._ledger.transaction() as tx:
                    return await self._replay(tx, taken.existing, checked)
        _log.info(
            "information request %s received for %s (routed by %s, intake %s)",
            row.registration_number,
            row.opd_slug,
            row.routed_by.value,
            "queued" if intake else "inbox",
        )
        return _receipt(row, code)

    def _check(
        self, submission: InformationRequestSubmission, idempotency_key: str | None, today: date
    ) -> _Checked:
        problems: list[FieldProblem] = []
        form: InformationRequestForm | None = None
        try:
            form = validate_information_request(submission.form, today=today)
        except InvalidInput as invalid:
            problems.extend(invalid.fields)
        more = ProblemList()
        route = choose_route(
            self._config,
            self._rules,
            opd=submission.opd,
            document_id=submission.document_id,
            text=f"{submission.form.details}\n{submission.form.purpose}",
            today=today,
            problems=more,
        )
        key = check_idempotency_key(idempotency_key, more)
        problems.extend(more.problems)
        if problems or form is None or route is None:
            raise InvalidInput(problems)
        document_id = (submission.document_id or "").strip() or None
        canonical = canonical_submission(form, opd=submission.opd, document_id=document_id)
        return _Checked(form, route, document_id, key, canonical)

    def _access_code(self, checked: _Checked) -> str:
        if checked.idempotency_key is None:
            return new_access_code()
        return self._derived_codes(checked)[0]

    def _derived_codes(self, checked: _Checked) -> tuple[str, ...]:
        """The code a retry of ``checked`` gets, under each configured key (current first)."""
        secret = f"{checked.idempotency_key}\n{checked.canonical}"
        hashes = self._cipher.keyed_hashes(_DERIVED_CODE, secret)
        return tuple(derived_access_code(value.rpartition(":")[2]) for value in hashes)

    async def _register(
        self,
        tx: LedgerTransaction,
        checked: _Checked,
        now: datetime,
        code_hash: str,
        personal: dict[str, Any],
        *,
        intake: bool,
    ) -> RequestRow:
        today = receipt_date(now)
        calendar = await self._calendar.calendar(tx)
        code = opd_code(checked.route.opd_slug)
        sequence = await tx.next_registration_sequence(_KIND, today.year, code)
        form = checked.form
        row = await tx.insert_request(
            NewRequest(
                registration_number=format_registration_number(_KIND, today.year, code, sequence),
                kind=_KIND,
                opd_slug=checked.route.opd_slug,
                routed_by=checked.route.routed_by,
                received_at=now,
                receipt_date=today,
                due_date=response_due(calendar, today),
                access_code_hash=code_hash,
                idempotency_key=checked.idempotency_key,
                details=form.details,
                purpose=form.purpose,
                obtain_method=form.obtain_method,
                delivery_method=form.delivery_method,
                document_id=checked.document_id,
                **personal,
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
        if checked.idempotency_key is not None:
            fingerprint = self._cipher.keyed_hash(_FINGERPRINT, checked.canonical)
            await tx.save_idempotency(
                SUBMIT_SCOPE, checked.idempotency_key, fingerprint=fingerprint, request_id=row.id
            )
        if intake:
            await tx.enqueue(
                row.id,
                opd_slug=row.opd_slug,
                operation=OutboxOperation.SUBMIT_REQUEST,
                payload=submission_payload(row),
                now=now,
            )
        return row

    async def _replay(self, tx: LedgerTransaction, saved: IdempotencyRow, checked: _Checked) -> Receipt:
        # compared under every configured key, so a retry still matches during a key rotation
        fingerprints = self._cipher.keyed_hashes(_FINGERPRINT, checked.canonical)
        if saved.fingerprint not in fingerprints:
            raise InvalidInput(
                [
                    FieldProblem(
                        "idempotencyKey",
                        "This idempotency key was already used for a different request. "
                        "Send a retry with exactly the same input, or use a new key for a new request.",
                        "Kunci idempotensi ini sudah dipakai untuk permohonan lain. "
                        "Kirim ulang dengan isian yang sama persis, atau gunakan kunci baru "
                        "untuk permohonan baru.",
                    )
                ]
            )
        row = await tx.get_request(saved.request_id)
        assert row is not None  # an idempotency key always points at its request
        code = self._derived_codes(checked)[fingerprints.index(saved.fingerprint)]
        return _receipt(row, code, replayed=True)

    # -- status

    async def request_status(
        self, registration_number: str, access_code: str | None = None
    ) -> PublicStatus | DetailedStatus | None:
        """Cek Status: the public status, the detailed one with the right code, ``None`` if unknown.

        Raises :class:`InvalidInput` on ``registrationNumber`` for a malformed
        number, the ``WRONG_ACCESS_CODE`` :class:`RuleViolation` for a wrong
        code, and :class:`ServiceUnavailable`. Every read of the (masked)
        personal data is written to the audit log.
        """
        number = _parse_number(registration_number, ProblemList())
        with _ledger_available():
            async with self._ledger.transaction() as tx:
                row = await tx.find_by_registration_number(number)
                events = await tx.events(row.id) if row is not None else []
            if row is None:
                return None
            today = receipt_date(self._clock())
            if access_code is None:
                return public_status(row, events, today=today)
            if not await verify_access_code(access_code, row.access_code_hash):
                raise wrong_access_code()
            async with self._ledger.transaction() as tx:
                return await self._detailed(tx, row, today)

    async def _detailed(self, tx: LedgerTransaction, row: RequestRow, today: date) -> DetailedStatus:
        requester, fields = masked_requester(self._cipher, row)
        if fields:
            await tx.record_personal_data_read(
                row.id, actor_kind=ActorKind.REQUESTER, actor_id=None, fields=fields, purpose=_READ_PURPOSE
            )
        return detailed_status(row, await tx.events(row.id), requester, today=today)

    # -- cancel

    async def cancel_request(
        self, registration_number: str, access_code: str, reason: str | None = None
    ) -> DetailedStatus:
        """Withdraw a request before it is answered; returns its status, now ``CANCELLED``.

        Raises :class:`InvalidInput` (``registrationNumber``, ``reason``),
        :class:`RequestNotFound`, :class:`RuleViolation` (a wrong code, or an
        outcome already given) and :class:`ServiceUnavailable`. The OPD is
        told through the outbox when the request was delivered to it.
        """
        problems = ProblemList()
        number = _parse_number(registration_number, problems, raise_now=False)
        cleaned = problems.check("reason", lambda: _CANCEL_REASON.clean_optional(reason, field="reason"))
        problems.raise_if_any()
        with _ledger_available():
            async with self._ledger.transaction() as tx:
                found = await tx.find_by_registration_number(number)
            if found is None:
                raise RequestNotFound(number)
            if not await verify_access_code(access_code, found.access_code_hash):
                raise wrong_access_code()
            now = self._clock()
            async with self._ledger.transaction() as tx:
                status = await self._cancel(tx, number, cleaned, now)
        _log.info("request %s cancelled by the requester", number)
        return status

    async def _cancel(
        self, tx: LedgerTransaction, number: str, reason: str | None, now: datetime
    ) -> DetailedStatus:
        # read again under the write lock: an officer may have answered since the code was checked
        row = await tx.find_by_registration_number(number)
        if row is None:
            raise RequestNotFound(number)
        today = receipt_date(now)
        authorize_transition(
            row.kind,
            row.state,
            RequestState.CANCELLED,
            actor=Actor.REQUESTER,
            today=today,
            due_date=row.extended_due_date or row.due_date,
        )
        updated = await tx.update_request(row, state=RequestState.CANCELLED)
        await tx.add_event(
            row.id,
            at=now,
            actor_kind=ActorKind.REQUESTER,
            actor_id=None,
            from_state=row.state,
            to_state=RequestState.CANCELLED,
            note=reason,
        )
        entries = await tx.outbox_entries(row.id)
        if any(entry.operation is OutboxOperation.SUBMIT_REQUEST for entry in entries):
            payload = {
                "registration_number": row.registration_number,
                "reason_enc": None if reason is None else self._cipher.encrypt("cancel_reason", reason),
            }
            await tx.enqueue(
                row.id, opd_slug=row.opd_slug, operation=OutboxOperation.CANCEL, payload=payload, now=now
            )
        return await self._detailed(tx, updated, today)


def _receipt(row: RequestRow, code: str, *, replayed: bool = False) -> Receipt:
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


def _parse_number(text: str, problems: ProblemList, *, raise_now: bool = True) -> str:
    """The canonical number, or a problem on ``registrationNumber`` (raised at once unless told not to)."""
    parsed = parse_registration_number(text)
    if parsed is None:
        problems.add(
            "registrationNumber",
            "This is not a registration number: copy it from your receipt, e.g. PI/2026/DINKES/000123.",
            "Ini bukan nomor registrasi: salin dari bukti permohonan Anda, misalnya PI/2026/DINKES/000123.",
        )
        if raise_now:
            problems.raise_if_any()
        return ""
    return str(parsed)
