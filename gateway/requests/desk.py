"""The officer desk: what PPID officers do to the requests and objections routed to their OPD.

::

    desk = OfficerDesk(ledger, cipher, config, accepts_intake=..., calendar=calendar)
    page = await desk.inbox(officer, overdue_only=True)
    status = await desk.respond_to_request(officer, number, ResponseOutcome.GRANTED, message="...")

Every act follows the same steps, and fails at the first that refuses:

1. the form is checked whole (:class:`InvalidInput`, every field at once);
2. the request is read (:class:`RequestNotFound`);
3. the officer's role and OPD must cover it (:class:`gateway.officers.Forbidden`),
   against the OPD the request is routed to *now*;
4. the lifecycle decides whether the law allows the move today
   (:class:`~gateway.kip.errors.RuleViolation`); a request still ``RECEIVED``
   is taken up first (``IN_PROCESS``), and both steps go in its history;
5. the row is updated at the version it was read at, with the history event,
   in one transaction. When someone else changed it meanwhile, it is read
   again and everything re-checked once; a second collision is
   :class:`RequestChangedMeanwhile`.

Each act answers with the request's status in full (the requester unmasked),
which is a read of personal data and audited as one (:mod:`.officer_view`).
The database being down is :class:`ServiceUnavailable`, as for citizens.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Unpack

from connectors import ExemptionGround
from gateway.config import GatewayConfig
from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.errors import FieldProblem, InvalidInput, ProblemList
from gateway.kip.deadlines import MAX_EXTENSION_DAYS, extended_response_due
from gateway.kip.forwarding import authorize_forwarding
from gateway.kip.lifecycle import OPEN_STATES, authorize_transition
from gateway.kip.vocabulary import RequestKind, RequestState
from gateway.kip.working_days import receipt_date
from gateway.ledger import ConcurrentUpdate, Ledger, LedgerTransaction, RequestChanges, RequestRow
from gateway.ledger.clock import Clock, utc_now
from gateway.officers import (
    Officer,
    require_answerer,
    require_decider,
    require_forwarder,
    require_inbox,
    require_reader,
)

from .calendar import CalendarSource, LedgerCalendarSource
from .errors import RequestChangedMeanwhile, RequestNotFound, ledger_available
from .inbox import DEFAULT_PAGE_SIZE, InboxEdge, InboxFilter, InboxPage, inbox_item, inbox_query, page_cursor
from .numbers import parse_number
from .officer_forms import (
    ResponseOutcome,
    clean_decision,
    clean_extension,
    clean_forward,
    clean_response,
)
from .officer_view import read_officer_status
from .rerouting import hand_over
from .status import DetailedStatus

__all__ = ["OfficerDesk"]

_log = logging.getLogger(__name__)

_Act = Callable[[LedgerTransaction, RequestRow, datetime], Awaitable[RequestRow]]


class OfficerDesk:
    """The officers' side of the request ledger, for the whole province.

    ``accepts_intake(slug)`` says whether an OPD's connector takes requests
    (for a forward's delivery); ``calendar`` should be the request service's,
    so that an extension counts the same working days as the receipt did;
    ``clock`` gives the time of each act (timezone-aware).
    """

    def __init__(
        self,
        ledger: Ledger,
        cipher: PersonalDataCipher,
        config: GatewayConfig,
        *,
        accepts_intake: Callable[[str], bool],
        calendar: CalendarSource | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._ledger = ledger
        self._cipher = cipher
        self._config = config
        self._accepts_intake = accepts_intake
        self._calendar = calendar or LedgerCalendarSource()
        self._clock = clock

    # -- reading

    async def inbox(
        self,
        officer: Officer,
        *,
        states: Sequence[RequestState] | None = None,
        kind: RequestKind | None = None,
        overdue_only: bool = False,
        opd: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> InboxPage:
        """The requests and objections routed to the officer's OPD (PPID Utama: every OPD, or ``opd``).

        Oldest current due date first. ``states`` defaults to those waiting
        for an answer (``RECEIVED``, ``IN_PROCESS``, ``EXTENDED``);
        ``overdue_only`` keeps those past their due date. Raises
        :class:`Forbidden` for another OPD's inbox, :class:`InvalidInput` on
        ``opd``, ``first`` or ``after``, and :class:`ServiceUnavailable`.
        """
        if opd is not None and self._config.opd(opd) is None:
            raise InvalidInput(
                [FieldProblem("opd", "There is no OPD with this slug.", "Tidak ada OPD dengan kode ini.")]
            )
        flt = InboxFilter(
            opd_slugs=require_inbox(officer, opd),
            states=frozenset(OPEN_STATES if states is None else states),
            kind=kind,
            overdue_only=overdue_only,
        )
        today = receipt_date(self._clock())
        query = inbox_query(flt, today=today, first=first, after=after)
        with ledger_available():
            async with self._ledger.transaction() as tx:
                rows = await tx.inbox(query)
                total = await tx.inbox_count(query)
        edges = tuple(
            InboxEdge(
                page_cursor(flt, found.request),
                inbox_item(found.request, found.parent_registration_number, today=today),
            )
            for found in rows[:first]
        )
        return InboxPage(edges=edges, total_count=total, has_next_page=len(rows) > first)

    async def request_detail(self, officer: Officer, registration_number: str) -> DetailedStatus | None:
        """The request or objection in full for an officer who may read it; ``None`` for an unknown number.

        The read of the requester's data is audited with the officer's id.
        Raises :class:`InvalidInput` (a malformed number), :class:`Forbidden`
        (another OPD's request) and :class:`ServiceUnavailable`.
        """
        number = parse_number(registration_number, ProblemList())
        with ledger_available():
            async with self._ledger.transaction() as tx:
                row = await tx.find_by_registration_number(number)
                if row is None:
                    return None
                require_reader(officer, row.opd_slug, number)
                today = receipt_date(self._clock())
                return await read_officer_status(
                    tx, self._cipher, row, officer, today=today, purpose=_purpose(officer, "opened it")
                )

    # -- acting

    async def respond_to_request(
        self,
        officer: Officer,
        registration_number: str,
        outcome: ResponseOutcome,
        *,
        message: str | None = None,
        refusal_ground: ExemptionGround | None = None,
        holding_body: str | None = None,
        attached_document_ids: Sequence[str] = (),
    ) -> DetailedStatus:
        """Give the written notice on a request (UU KIP Pasal 22(7)); returns its status, now answered.

        ``message`` is the notice's text (required for a partial grant and a
        refusal); a refusal names its Pasal 17 ``refusal_ground``; ``NOT_HELD``
        may name the ``holding_body``; ``attached_document_ids`` are global
        document ids. Raises :class:`InvalidInput`, :class:`RequestNotFound`,
        :class:`Forbidden`, :class:`RuleViolation`, :class:`RequestChangedMeanwhile`
        and :class:`ServiceUnavailable`.
        """
        response = clean_response(
            self._config,
            registration_number,
            outcome,
            message=message,
            refusal_ground=refusal_ground,
            holding_body=holding_body,
            attached_document_ids=attached_document_ids,
        )
        target = response.outcome.state

        async def act(tx: LedgerTransaction, row: RequestRow, now: datetime) -> RequestRow:
            require_answerer(officer, row.opd_slug, row.registration_number)
            return await self._move(
                tx,
                row,
                target,
                officer,
                now,
                reasons=response.message or "",
                exemption_ground=response.refusal_ground,
                outcome_message=response.message,
                refusal_ground=response.refusal_ground,
                holding_body=response.holding_body,
                attached_document_ids=response.attached_document_ids,
                responded_at=now,
            )

        status = await self._act(officer, response.registration_number, act, "answered it")
        _log.info("request %s answered %s by %s", status.registration_number, target.value, officer.id)
        return status

    async def extend_request_deadline(
        self,
        officer: Officer,
        registration_number: str,
        reason: str | None,
        *,
        working_days: int = MAX_EXTENSION_DAYS,
    ) -> DetailedStatus:
        """Extend a request's deadline, once, with written reasons (UU KIP Pasal 22(8)); returns its status.

        The new due date is ``working_days`` (1–7) working days beyond the
        first ten, counted from the day of receipt on the request service's
        calendar. A second extension is the ``EXTENSION_ALREADY_USED``
        :class:`RuleViolation`; the rest as :meth:`respond_to_request`.
        """
        extension = clean_extension(registration_number, reason, working_days)

        async def act(tx: LedgerTransaction, row: RequestRow, now: datetime) -> RequestRow:
            require_answerer(officer, row.opd_slug, row.registration_number)
            calendar = await self._calendar.calendar(tx)
            return await self._move(
                tx,
                row,
                RequestState.EXTENDED,
                officer,
                now,
                reasons=extension.reason or "",
                extended_at=now,
                extension_reason=extension.reason,
                extended_due_date=extended_response_due(calendar, row.receipt_date, extension.working_days),
            )

        status = await self._act(officer, extension.registration_number, act, "extended its deadline")
        _log.info(
            "request %s extended to %s by officer %s", status.registration_number, status.due_date, officer.id
        )
        return status

    async def decide_objection(
        self, officer: Officer, registration_number: str, decision: str | None
    ) -> DetailedStatus:
        """The atasan PPID's written decision on an objection (UU KIP Pasal 36(2)); returns its status.

        Only the atasan PPID of the objection's OPD, or PPID Utama, decides
        (else :class:`Forbidden`); the rest as :meth:`respond_to_request`.
        """
        cleaned = clean_decision(registration_number, decision)

        async def act(tx: LedgerTransaction, row: RequestRow, now: datetime) -> RequestRow:
            require_decider(officer, row.opd_slug, row.registration_number)
            return await self._move(
                tx,
                row,
                RequestState.DECIDED,
                officer,
                now,
                reasons=cleaned.decision or "",
                decision=cleaned.decision,
                decided_at=now,
            )

        status = await self._act(officer, cleaned.registration_number, act, "decided it")
        _log.info("objection %s decided by officer %s", status.registration_number, officer.id)
        return status

    async def reroute_request(
        self, officer: Officer, registration_number: str, opd: str, reason: str | None
    ) -> DetailedStatus:
        """Forward a request to another OPD (PPID Utama only), while it has no answer; returns its status.

        The deadline stays as it was; ``routed_by`` keeps how it was first
        routed, and the history records ``rerouted from A to B: reason``.
        The deliveries follow (:mod:`.rerouting`). Raises :class:`Forbidden`
        for any other officer, :class:`InvalidInput` (number, ``opd``,
        ``reason``), and the rest as :meth:`respond_to_request`.
        """
        require_forwarder(officer)
        forward = clean_forward(
            self._config, registration_number, opd, reason, today=receipt_date(self._clock())
        )
        target = self._config.opd(forward.opd_slug)
        assert target is not None  # clean_forward refuses an unknown OPD

        async def act(tx: LedgerTransaction, row: RequestRow, now: datetime) -> RequestRow:
            authorize_forwarding(row.kind, row.state)
            if row.opd_slug == forward.opd_slug:
                raise InvalidInput(
                    [
                        FieldProblem(
                            "opd",
                            f"The request is already routed to {target.name}: pick another OPD.",
                            f"Permohonan ini sudah ditujukan ke {target.name}: pilih OPD lain.",
                        )
                    ]
                )
            # the row first: its version check holds it against a concurrent forward
            moved = await tx.update_request(row, opd_slug=forward.opd_slug, upstream_reference=None)
            await tx.add_event(
                row.id,
                at=now,
                actor_kind=officer.actor_kind,
                actor_id=officer.id,
                from_state=row.state,
                to_state=row.state,
                note=f"rerouted from {row.opd_slug} to {forward.opd_slug}: {forward.reason}",
            )
            handover = await hand_over(
                tx,
                self._cipher,
                before=row,
                after=moved,
                accepts_intake=self._accepts_intake,
                reason=forward.reason,
                to_name=target.name,
                now=now,
            )
            _log.info(
                "request %s rerouted from %s to %s by officer %s (at %s: %s; at %s: %s)",
                row.registration_number,
                row.opd_slug,
                forward.opd_slug,
                officer.id,
                row.opd_slug,
                handover.withdrawal.value,
                forward.opd_slug,
                handover.delivery.value,
            )
            if handover.upstream_reference is not None:
                moved = await tx.update_request(moved, upstream_reference=handover.upstream_reference)
            return moved

        return await self._act(officer, forward.registration_number, act, "forwarded it")

    # -- the steps every act shares

    async def _act(self, officer: Officer, number: str, act: _Act, what: str) -> DetailedStatus:
        """Read the request, ``act`` on it and answer its full status, retrying once after a collision."""
        with ledger_available():
            for attempt in (1, 2):
                try:
                    async with self._ledger.transaction() as tx:
                        row = await tx.find_by_registration_number(number)
                        if row is None:
                            raise RequestNotFound(number)
                        now = self._clock()
                        updated = await act(tx, row, now)
                        return await read_officer_status(
                            tx,
                            self._cipher,
                            updated,
                            officer,
                            today=receipt_date(now),
                            purpose=_purpose(officer, what),
                        )
                except ConcurrentUpdate:
                    # rolled back; the next try reads the row as the other change left it
                    if attempt == 2:
                        raise RequestChangedMeanwhile(number) from None
                    _log.info("request %s changed while officer %s acted; trying again", number, officer.id)
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _move(
        self,
        tx: LedgerTransaction,
        row: RequestRow,
        target: RequestState,
        officer: Officer,
        now: datetime,
        *,
        reasons: str = "",
        exemption_ground: ExemptionGround | None = None,
        **changes: Unpack[RequestChanges],
    ) -> RequestRow:
        """Take ``row`` up if still ``RECEIVED``, then move it to ``target`` with ``changes``; both recorded.

        Each step is authorized before it is written, and a refusal rolls the
        whole transaction back, so a refused answer leaves no take-up behind.
        """
        today = receipt_date(now)
        due = row.current_due_date

        def authorize(source: RequestState, to: RequestState) -> None:
            authorize_transition(
                row.kind,
                source,
                to,
                actor=officer.actor,
                today=today,
                due_date=due,
                reasons=reasons,
                exemption_ground=exemption_ground,
            )

        if row.state is RequestState.RECEIVED:
            # the answer first, so that a refusal names the act asked for rather than the take-up
            authorize(RequestState.IN_PROCESS, target)
            authorize(RequestState.RECEIVED, RequestState.IN_PROCESS)
            row = await _record(tx, row, RequestState.IN_PROCESS, officer, now)
        authorize(row.state, target)
        return await _record(tx, row, target, officer, now, **changes)


async def _record(
    tx: LedgerTransaction,
    row: RequestRow,
    target: RequestState,
    officer: Officer,
    now: datetime,
    **changes: Unpack[RequestChanges],
) -> RequestRow:
    """Write ``row`` in ``target`` with ``changes``, and the step in its history under the officer's id."""
    values: RequestChanges = {**changes, "state": target}
    updated = await tx.update_request(row, **values)
    await tx.add_event(
        row.id,
        at=now,
        actor_kind=officer.actor_kind,
        actor_id=officer.id,
        from_state=row.state,
        to_state=target,
    )
    return updated


def _purpose(officer: Officer, what: str) -> str:
    """Why the requester's data was read, for the audit log: who, in which role, doing what."""
    return f"officer desk: the {officer.describe()} {what}"
