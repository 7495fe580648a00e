"""Status sync: the states that OPDs with ``REQUEST_STATUS`` report, copied into the ledger.

An OPD whose own PPID system took a request answers it there; the gateway
asks that system, now and then, where each delivered and unanswered request
stands, and records every change in the request's history as the OPD's
officer's step (actor ``OFFICER``, id ``<slug> (OPD system)``). A state the
OPD reports is taken only along the lifecycle's allowed moves and under its
rules: a refusal without a Pasal 17 ground, or an extension without written
reasons, is not copied (the law requires them; the gateway will not invent
them) and is logged for the operator, so that the officer answers through
the gateway instead. Moves back (an outcome the OPD withdrew) and
cancellations (a requester cancels through the gateway) are never copied.

Several replicas may sync at once: each update is optimistic on the row's
version, so a change is recorded once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors import Capability, Connector, ConnectorError, UpstreamRequestStatus
from gateway.config import DeliveryConfig
from gateway.kip.deadlines import MAX_EXTENSION_DAYS, extended_response_due
from gateway.kip.errors import RuleViolation
from gateway.kip.lifecycle import OUTCOMES, Actor, authorize_transition
from gateway.kip.vocabulary import RequestKind, RequestState
from gateway.kip.working_days import WorkingCalendar, receipt_date
from gateway.ledger import ActorKind, ConcurrentUpdate, Ledger, LedgerUnavailable, RequestRow
from gateway.ledger.clock import Clock, utc_now
from gateway.requests.calendar import CalendarSource, LedgerCalendarSource

__all__ = ["StatusRound", "StatusSync", "path_to"]

_log = logging.getLogger(__name__)
_S = RequestState


def path_to(kind: RequestKind, current: RequestState, reported: RequestState) -> tuple[RequestState, ...]:
    """The states to pass through from ``current`` to the ``reported`` one; empty when none is taken.

    A request answered straight from ``RECEIVED`` passes ``IN_PROCESS`` first,
    as the history of every answered request does.
    """
    if reported is current:
        return ()
    if kind is RequestKind.INFORMATION:
        forward = reported is _S.IN_PROCESS or reported is _S.EXTENDED or reported in OUTCOMES
        if not forward or current not in {_S.RECEIVED, _S.IN_PROCESS, _S.EXTENDED}:
            return ()
        if current is _S.EXTENDED and reported in {_S.IN_PROCESS, _S.EXTENDED}:
            return ()
    elif reported not in {_S.IN_PROCESS, _S.DECIDED} or current not in {_S.RECEIVED, _S.IN_PROCESS}:
        return ()
    steps = [_S.IN_PROCESS] if current is _S.RECEIVED else []
    return (*steps, reported) if reported is not _S.IN_PROCESS else tuple(steps)


@dataclass
class StatusRound:
    """What one status round did."""

    asked: int = 0
    changed: int = 0
    """Requests whose state moved."""
    not_copied: int = 0
    """Reported states refused by the lifecycle's rules."""
    failed: int = 0
    """Requests the OPD did not answer about."""


class StatusSync:
    """Asks OPDs with ``REQUEST_STATUS`` about delivered requests and records what changed."""

    def __init__(
        self,
        ledger: Ledger,
        connector_for: Callable[[str], Connector | None],
        opd_slugs: Callable[[], Iterable[str]],
        config: DeliveryConfig,
        *,
        calendar: CalendarSource | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._ledger = ledger
        self._connector_for = connector_for
        self._opd_slugs = opd_slugs
        self._config = config
        self._calendar = calendar or LedgerCalendarSource()
        self._clock = clock
        self._after_id = 0
        self._concurrency = asyncio.Semaphore(8)

    def _reporting_slugs(self) -> list[str]:
        slugs = []
        for slug in self._opd_slugs():
            connector = self._connector_for(slug)
            if connector is not None and connector.supports(Capability.REQUEST_STATUS):
                slugs.append(slug)
        return slugs

    async def run(self, stop: asyncio.Event) -> None:
        """Sync every ``status_poll_interval_s`` until ``stop`` is set; a database outage only pauses it."""
        while not stop.is_set():
            try:
                await self.run_once()
            except LedgerUnavailable as exc:
                _log.warning("status sync skipped a round: the ledger does not answer (%s)", exc.reason)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._config.status_poll_interval_s)

    async def run_once(self) -> StatusRound:
        """Ask about the next ``status_batch_size`` requests, starting over after the last."""
        slugs = self._reporting_slugs()
        async with self._ledger.transaction() as tx:
            rows = await tx.delivered_unanswered(
                slugs, after_id=self._after_id, limit=self._config.status_batch_size
            )
        # the next round goes on from here; a short batch means the walk is complete
        self._after_id = rows[-1].id if len(rows) == self._config.status_batch_size else 0
        done = StatusRound(asked=len(rows))
        await asyncio.gather(*(self._sync(row, done) for row in rows))
        return done

    async def _sync(self, row: RequestRow, done: StatusRound) -> None:
        connector = self._connector_for(row.opd_slug)
        assert connector is not None and row.upstream_reference is not None  # as selected
        async with self._concurrency:
            try:
                reported = await asyncio.wait_for(
                    connector.request_status(row.upstream_reference), timeout=self._config.attempt_timeout_s
                )
            except (ConnectorError, TimeoutError) as exc:
                done.failed += 1
                _log.info("%s: %s did not say its state (%s)", row.registration_number, row.opd_slug, exc)
                return
            except Exception:
                done.failed += 1
                _log.exception("connector %s raised unexpectedly while asked for a state", row.opd_slug)
                return
        try:
            if await self.apply(row, reported):
                done.changed += 1
        except RuleViolation as violation:
            done.not_copied += 1
            _log.warning(
                "%s: %s reports %s, which is not recorded: %s; its officer should answer through the gateway",
                row.registration_number,
                row.opd_slug,
                reported.state.value,
                violation,
            )

    async def apply(self, row: RequestRow, reported: UpstreamRequestStatus) -> bool:
        """Record the ``reported`` state of ``row``; ``False`` when there was nothing to record.

        Raises :class:`RuleViolation` when the lifecycle refuses the move.
        """
        path = path_to(row.kind, row.state, reported.state)
        if not path:
            return False
        now = self._clock()
        async with self._ledger.transaction() as tx:
            current = await tx.get_request(row.id)
            if current is None or current.version != row.version:
                return False  # changed meanwhile (an officer, another replica): the next round sees it
            calendar = await self._calendar.calendar(tx)
            actor_id = f"{row.opd_slug} (OPD system)"
            source = current.state
            for target in path:
                changes = _changes(current, target, reported, calendar, now)
                authorize_transition(
                    current.kind,
                    source,
                    target,
                    actor=Actor.OFFICER,
                    today=receipt_date(now),
                    due_date=current.current_due_date,
                    reasons=reported.message or "",
                    exemption_ground=reported.refusal_ground,
                )
                try:
                    current = await tx.update_request(current, state=target, **changes)
                except ConcurrentUpdate:
                    return False
                await tx.add_event(
                    row.id,
                    at=now,
                    actor_kind=ActorKind.OFFICER,
                    actor_id=actor_id,
                    from_state=source,
                    to_state=target,
                    note=reported.message if target is reported.state else None,
                )
                source = target
        _log.info("%s: %s reports %s", row.registration_number, row.opd_slug, reported.state.value)
        return True


def _changes(
    row: RequestRow,
    target: RequestState,
    reported: UpstreamRequestStatus,
    calendar: WorkingCalendar,
    now: datetime,
) -> dict[str, Any]:
    at = reported.updated_at or now
    if target is _S.EXTENDED:
        return {
            "extended_at": at,
            "extension_reason": reported.message,
            # the OPD's system does not say by how much: the law's longest extension is assumed
            "extended_due_date": extended_response_due(calendar, row.receipt_date, MAX_EXTENSION_DAYS),
        }
    if target in OUTCOMES:
        return {
            "outcome_message": reported.message,
            "refusal_ground": reported.refusal_ground,
            "holding_body": reported.holding_body,
            "responded_at": at,
        }
    if target is _S.DECIDED:
        return {"decision": reported.message, "decided_at": at}
    return {}
