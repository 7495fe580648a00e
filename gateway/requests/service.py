"""The request service: submit a request, check its status, cancel it, object to it (DESIGN.md §7).

Each submission is validated whole, routed, and written in one ledger
transaction with its first history event, its idempotency key and, when
the OPD's connector takes requests, its outbox entry: nothing is half
saved. Slow work (the access code's scrypt hash) happens outside the
transaction, which on SQLite holds the file's write lock.

Retries: a client that sends an idempotency key gets the same receipt for
the same input, access code included (:mod:`.retries`). The same key with
other input is refused on ``idempotencyKey``.

Objections and their disputes live in :mod:`.objections`; the methods here
hand them over, with the one access-code check they share.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gateway.config import GatewayConfig, RoutingRule
from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.errors import FieldProblem, InvalidInput, ProblemList
from gateway.identity.text_fields import TextField
from gateway.kip.deadlines import response_due
from gateway.kip.registration import format_registration_number, opd_code
from gateway.kip.request_form import InformationRequestForm, validate_information_request
from gateway.kip.vocabulary import ObjectionReason, RequestKind, RequestState
from gateway.kip.working_days import receipt_date
from gateway.ledger import ActorKind, Ledger, LedgerTransaction, NewRequest, OutboxOperation, RequestRow
from gateway.ledger.clock import Clock, utc_now

from .attempts import AccessCodeGuard
from .calendar import CalendarSource, LedgerCalendarSource
from .errors import ledger_available as _ledger_available
from .moves import move_by_requester, number_and_note, reread
from .numbers import parse_number as _parse_number
from .objections import Objections
from .personal import encrypt_requester
from .retries import Retry, register_once
from .routing import Route, choose_route
from .status import DetailedStatus, PublicStatus, public_status, read_detailed_status
from .submission import (
    InformationRequestSubmission,
    Receipt,
    cancel_payload,
    canonical_submission,
    check_idempotency_key,
    submission_payload,
)

__all__ = ["SUBMIT_SCOPE", "RequestService"]

SUBMIT_SCOPE = "submit_information_request"
"""The idempotency scope of submissions."""

_log = logging.getLogger(__name__)
_KIND = RequestKind.INFORMATION
_CANCEL_REASON = TextField("the reason for cancelling", "Alasan pembatalan", 1, 1000, multiline=True)


@dataclass(frozen=True, slots=True)
class _Checked:
    """A valid submission, routed, with what identifies its retries."""

    form: InformationRequestForm
    route: Route
    document_id: str | None
    retry: Retry


class RequestService:
    """Information requests for the whole province, over one ledger.

    ``accepts_intake(slug)`` says whether that OPD's connector declares
    ``REQUEST_INTAKE`` (the caller knows: a REST connector decides it per
    instance, from its settings); requests to other OPDs wait in the
    gateway's own inbox. ``calendar`` defaults to the official Indonesian
    days off with the ledger's overrides; ``routing_rules`` to the config's.
    ``clock`` gives the time of receipt (timezone-aware). ``access_code_guard``
    counts wrong access codes; the default keeps the counts in this process
    (the app passes one built from the config, shared by its replicas), and
    its owner closes it.
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
        access_code_guard: AccessCodeGuard | None = None,
    ) -> None:
        self._ledger = ledger
        self._cipher = cipher
        self._config = config
        self._accepts_intake = accepts_intake
        self._calendar = calendar or LedgerCalendarSource()
        self._rules = tuple(config.routing_rules if routing_rules is None else routing_rules)
        self._clock = clock
        self._guard = access_code_guard or AccessCodeGuard(config.requests.access_code_attempts)
        self._objections = Objections(
            ledger,
            cipher,
            open_request=self._opened,
            accepts_intake=accepts_intake,
            calendar=self._calendar,
            clock=clock,
        )

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
        personal = encrypt_requester(self._cipher, checked.form.requester)
        intake = self._accepts_intake(checked.route.opd_slug)

        async def write(tx: LedgerTransaction, code_hash: str) -> RequestRow:
            return await self._register(tx, checked, now, code_hash, personal, intake=intake)

        with _ledger_available():
            receipt = await register_once(self._ledger, self._cipher, checked.retry, write)
        if not receipt.replayed:
            _log.info(
                "information request %s received for %s (routed by %s, intake %s)",
                receipt.registration_number,
                receipt.opd_slug,
                receipt.routed_by.value,
                "queued" if intake else "inbox",
            )
        return receipt

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
        return _Checked(form, route, document_id, Retry(SUBMIT_SCOPE, key, canonical))

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
                idempotency_key=checked.retry.key,
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
        if intake:
            await tx.enqueue(
                row.id,
                opd_slug=row.opd_slug,
                operation=OutboxOperation.SUBMIT_REQUEST,
                payload=submission_payload(row),
                now=now,
            )
        return row

    # -- access codes

    async def _check_access_code(self, row: RequestRow, code: str) -> None:
        """Return when ``code`` is ``row``'s access code: the one way every caller checks a code.

        Going through the guard is what rate-limits guessing (:mod:`.attempts`):
        raises :class:`RateLimited` while the number's wrong codes are used
        up, else the ``WRONG_ACCESS_CODE`` :class:`RuleViolation` for a wrong
        code.
        """
        await self._guard.check(row.registration_number, code, row.access_code_hash)

    async def _opened(self, number: str, access_code: str) -> RequestRow:
        """The request or objection ``number``, once ``access_code`` proved its requester.

        Raises :class:`RequestNotFound`, and what :meth:`_check_access_code` raises.
        """
        async with self._ledger.transaction() as tx:
            found = await reread(tx, number)
        await self._check_access_code(found, access_code)
        return found

    # -- status

    async def request_status(
        self, registration_number: str, access_code: str | None = None
    ) -> PublicStatus | DetailedStatus | None:
        """Cek Status: the public status, the detailed one with the right code, ``None`` if unknown.

        Raises :class:`InvalidInput` on ``registrationNumber`` for a malformed
        number, the ``WRONG_ACCESS_CODE`` :class:`RuleViolation` for a wrong
        code, :class:`RateLimited` after too many wrong codes, and
        :class:`ServiceUnavailable`. Every read of the (masked)
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
            await self._check_access_code(row, access_code)
            async with self._ledger.transaction() as tx:
                return await self._detailed(tx, row, today)

    async def _detailed(self, tx: LedgerTransaction, row: RequestRow, today: date) -> DetailedStatus:
        return await read_detailed_status(tx, self._cipher, row, today=today)

    # -- cancel

    async def cancel_request(
        self, registration_number: str, access_code: str, reason: str | None = None
    ) -> DetailedStatus:
        """Withdraw a request before it is answered; returns its status, now ``CANCELLED``.

        Raises :class:`InvalidInput` (``registrationNumber``, ``reason``),
        :class:`RequestNotFound`, :class:`RuleViolation` (a wrong code, or an
        outcome already given), :class:`RateLimited` after too many wrong
        codes, and :class:`ServiceUnavailable`. The OPD is
        told through the outbox when the request was delivered to it.
        """
        number, cleaned = number_and_note(registration_number, reason, field="reason", rules=_CANCEL_REASON)
        with _ledger_available():
            await self._opened(number, access_code)
            now = self._clock()
            async with self._ledger.transaction() as tx:
                status = await self._cancel(tx, number, cleaned, now)
        _log.info("request %s cancelled by the requester", number)
        return status

    async def _cancel(
        self, tx: LedgerTransaction, number: str, reason: str | None, now: datetime
    ) -> DetailedStatus:
        row = await reread(tx, number)
        updated = await move_by_requester(tx, row, RequestState.CANCELLED, now=now, note=reason)
        # only the OPD the request is routed to now: one it was forwarded from has had its CANCEL already
        entries = await tx.outbox_entries(row.id)
        here = {entry.operation for entry in entries if entry.opd_slug == row.opd_slug}
        if OutboxOperation.SUBMIT_REQUEST in here and OutboxOperation.CANCEL not in here:
            payload = cancel_payload(row.registration_number, reason, self._cipher)
            await tx.enqueue(
                row.id, opd_slug=row.opd_slug, operation=OutboxOperation.CANCEL, payload=payload, now=now
            )
        return await self._detailed(tx, updated, receipt_date(now))

    # -- objections

    async def submit_objection(
        self,
        registration_number: str,
        access_code: str,
        reason: ObjectionReason,
        statement: str,
        *,
        idempotency_key: str | None = None,
    ) -> Receipt:
        """Object to a request (keberatan) and return the objection's receipt; the same again for a retry.

        ``reason`` must have arisen and still be within its 30 working days
        (UU KIP Pasal 35–36). Raises :class:`InvalidInput`
        (``registrationNumber``, ``statement``, ``idempotencyKey``),
        :class:`RequestNotFound`, :class:`RuleViolation` (a wrong code, an
        objection to an objection, a reason not open now, a second objection
        on one reason), :class:`RateLimited` and :class:`ServiceUnavailable`.
        """
        return await self._objections.submit(
            registration_number, access_code, reason, statement, idempotency_key=idempotency_key
        )

    async def dispute_objection(
        self, registration_number: str, access_code: str, note: str | None = None
    ) -> DetailedStatus:
        """Record that an objection went to the Komisi Informasi; returns its status, now ``DISPUTED``.

        Allowed after the atasan's decision, or once the 30 working days for
        it lapsed, and for 14 working days after (UU KIP Pasal 37(2)). Raises
        :class:`InvalidInput` (``registrationNumber``, ``note``),
        :class:`RequestNotFound`, :class:`RuleViolation` (a wrong code, not an
        objection, too early, too late), :class:`RateLimited` and
        :class:`ServiceUnavailable`.
        """
        return await self._objections.dispute(registration_number, access_code, note)
