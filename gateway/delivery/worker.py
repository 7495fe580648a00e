"""The outbox worker: delivers requests, objections and cancellations to the OPDs that take them.

Runs in every gateway process; several at once (replicas, ``serve --workers``)
are safe, because each entry is claimed with a lease before it is attempted
(:class:`gateway.ledger.Outbox`). A delivery is acknowledged in the ledger
only after the OPD's connector returned its receipt, so a crash in between
makes the entry due again when the lease runs out and the OPD receives it a
second time: connectors are idempotent on the registration number, so the
OPD still holds it once.

What a failure means:

- ``UpstreamTimeout`` / ``UpstreamUnavailable`` / ``UpstreamBadResponse``, a
  timeout of the attempt, a personal-data key that cannot decrypt, or any
  other error: retried after an exponential backoff, until ``max_attempts``;
- ``SubmissionRejected`` / ``NotSupported``, or an OPD that no longer takes
  requests: given up at once. The request stays in the ledger, in the OPD's
  inbox, where its officers answer it through the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import ValidationError

from connectors import Capability, Connector, ConnectorError, UpstreamError, UpstreamReceipt
from connectors.errors import NotSupported, SubmissionRejected
from gateway.config import DeliveryConfig
from gateway.identity.crypto import DecryptionError, PersonalDataCipher
from gateway.kip.vocabulary import RequestState
from gateway.ledger import (
    ActorKind,
    ConcurrentUpdate,
    LeaseLost,
    Ledger,
    LedgerUnavailable,
    OutboxOperation,
    OutboxRow,
    OutboxStatus,
)
from gateway.ledger.clock import Clock, utc_now

from .backoff import retry_delay
from .payloads import build_submission

__all__ = ["DeliveryRound", "DeliveryWorker", "new_worker_id"]

_log = logging.getLogger(__name__)
_SUBMISSIONS = frozenset({OutboxOperation.SUBMIT_REQUEST, OutboxOperation.SUBMIT_OBJECTION})
_MAX_ERROR_LENGTH = 1000
# a CANCEL waits for its request's own delivery; at least this long between looks
_WAIT_FOR_SUBMISSION = timedelta(seconds=5)


def new_worker_id() -> str:
    """A name for this process's worker, unique across hosts and restarts, shown in ``claimed_by``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class DeliveryRound:
    """What one pass of the worker did."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    """Given up for good."""
    lost_leases: int = 0
    """Claims that ran out before the attempt ended; another worker has the entry."""
    references: dict[int, str | None] = field(default_factory=dict)
    """Outbox entry id → the OPD's reference, for the entries delivered."""


class _Retry(Exception):  # noqa: N818 - a control-flow signal, not an error type of the API
    def __init__(self, message: str, *, delay: timedelta | None = None, waiting: bool = False) -> None:
        super().__init__(message)
        self.delay = delay
        self.waiting = waiting
        """Waiting for another delivery rather than failing: it does not use up the attempts."""


class _GiveUp(Exception):  # noqa: N818 - a control-flow signal, not an error type of the API
    pass


class DeliveryWorker:
    """Claims due outbox entries and hands each to its OPD's connector.

    ``connector_for(slug)`` gives the active connector of an OPD (``None``
    when the OPD is gone from the config). :meth:`run_once` makes one pass;
    :meth:`run` keeps passing until its ``stop`` event is set.
    """

    def __init__(
        self,
        ledger: Ledger,
        cipher: PersonalDataCipher,
        connector_for: Callable[[str], Connector | None],
        config: DeliveryConfig,
        *,
        worker_id: str | None = None,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self._ledger = ledger
        self._cipher = cipher
        self._connector_for = connector_for
        self._config = config
        self.worker_id = worker_id or new_worker_id()
        self._clock = clock
        self._rng = rng or random.Random()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a full batch is followed at once by the next.

        A database that does not answer pauses the worker (logged once per
        outage), it never stops it: the entries wait in the ledger.
        """
        unavailable = False
        while not stop.is_set():
            try:
                done = await self.run_once()
            except LedgerUnavailable as exc:
                if not unavailable:
                    _log.warning("outbox worker paused: the ledger does not answer (%s)", exc.reason)
                unavailable = True
                done = DeliveryRound()
            else:
                if unavailable:
                    _log.info("outbox worker resumed: the ledger answers again")
                unavailable = False
            if done.claimed >= self._config.batch_size:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._config.poll_interval_s)

    async def run_once(self) -> DeliveryRound:
        """Claim up to ``batch_size`` due entries and attempt them concurrently."""
        now = self._clock()
        entries = await self._ledger.outbox.claim_due(
            self.worker_id,
            limit=self._config.batch_size,
            now=now,
            lease=timedelta(seconds=self._config.lease_s),
        )
        done = DeliveryRound(claimed=len(entries))
        await asyncio.gather(*(self._attempt(entry, done) for entry in entries))
        return done

    async def _attempt(self, entry: OutboxRow, done: DeliveryRound) -> None:
        what = (
            f"outbox entry {entry.id} ({entry.operation.value} to {entry.opd_slug}, attempt {entry.attempts})"
        )
        try:
            try:
                receipt = await self._deliver(entry)
            except _GiveUp as exc:
                await self._ledger.outbox.mark_failed_permanently(entry.id, self.worker_id, error=_short(exc))
                done.failed += 1
                _log.warning("%s given up: %s; its OPD's officers answer it from the inbox", what, exc)
                return
            except _Retry as exc:
                await self._retry_or_give_up(entry, what, exc, done)
                return
            await self._ledger.outbox.mark_delivered(
                entry.id, self.worker_id, upstream_reference=receipt.reference, now=self._clock()
            )
        except LeaseLost:
            done.lost_leases += 1
            _log.warning("%s: the claim ran out before the attempt ended; another worker has it", what)
            return
        done.delivered += 1
        done.references[entry.id] = receipt.reference
        _log.info(
            "%s delivered: the OPD's reference is %s%s",
            what,
            receipt.reference,
            " (it already had it)" if receipt.duplicate else "",
        )
        if entry.operation in _SUBMISSIONS:
            await self._mark_in_process(entry, receipt)

    async def _retry_or_give_up(
        self, entry: OutboxRow, what: str, retry: _Retry, done: DeliveryRound
    ) -> None:
        error = _short(retry)
        if entry.attempts >= self._config.max_attempts and not retry.waiting:
            error = f"gave up after {entry.attempts} attempts; the last failed with: {error}"
            await self._ledger.outbox.mark_failed_permanently(entry.id, self.worker_id, error=error)
            done.failed += 1
            _log.warning("%s %s; its OPD's officers answer it from the inbox", what, error)
            return
        wait = retry.delay
        if wait is None:
            wait = retry_delay(entry.attempts, self._config, self._rng)
        await self._ledger.outbox.mark_retry(
            entry.id, self.worker_id, error=error, next_attempt_at=self._clock() + wait
        )
        done.retried += 1
        _log.info("%s failed (%s); next attempt in %.0f s", what, error, wait.total_seconds())

    async def _deliver(self, entry: OutboxRow) -> UpstreamReceipt:
        connector = self._connector_for(entry.opd_slug)
        if connector is None or not connector.supports(Capability.REQUEST_INTAKE):
            raise _GiveUp(f"the OPD {entry.opd_slug!r} no longer takes requests through its connector")
        async with self._ledger.transaction() as tx:
            request = await tx.get_request(entry.request_id)
            entries = await tx.outbox_entries(entry.request_id)
        if request is None:  # pragma: no cover - an entry's foreign key keeps its request
            raise _GiveUp(f"request {entry.request_id} does not exist")
        reference = None
        if entry.operation is OutboxOperation.CANCEL:
            reference = _submitted_reference(entries, entry.opd_slug, self._clock())
        try:
            submission = build_submission(entry, request, self._cipher, reference=reference)
        except DecryptionError:
            raise _Retry(
                "its personal data cannot be decrypted with the configured keys; "
                "check the personal-data key (and the old keys during a rotation)"
            ) from None
        except (ValidationError, KeyError, ValueError) as exc:
            raise _GiveUp(f"its payload is incomplete ({type(exc).__name__}); report this as a bug") from None
        try:
            return await asyncio.wait_for(
                connector.submit_request(submission), timeout=self._config.attempt_timeout_s
            )
        except TimeoutError:
            raise _Retry(f"no answer within {self._config.attempt_timeout_s:g} s") from None
        except (SubmissionRejected, NotSupported) as exc:
            raise _GiveUp(f"{type(exc).__name__}: {exc}") from None
        except UpstreamError as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}") from None
        except ConnectorError as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}") from None
        except Exception as exc:
            # A connector's bug must not stop the worker; the traceback is for the operator. Connector
            # messages hold no personal data (the contract forbids it), so they may be logged.
            _log.exception("connector %s raised unexpectedly while delivering", entry.opd_slug)
            raise _Retry(f"the connector failed unexpectedly ({type(exc).__name__})") from None

    async def _mark_in_process(self, entry: OutboxRow, receipt: UpstreamReceipt) -> None:
        """The OPD took the request: it is being processed there (a gateway step, by ``SYSTEM``)."""
        note = f"delivered to the OPD's own PPID system, its reference {receipt.reference}"
        for _ in range(3):
            async with self._ledger.transaction() as tx:
                row = await tx.get_request(entry.request_id)
                if row is None or row.state is not RequestState.RECEIVED or row.opd_slug != entry.opd_slug:
                    return  # moved already (an officer, the requester), or rerouted to another OPD meanwhile
                try:
                    await tx.update_request(row, state=RequestState.IN_PROCESS)
                except ConcurrentUpdate:
                    continue
                await tx.add_event(
                    row.id,
                    at=self._clock(),
                    actor_kind=ActorKind.SYSTEM,
                    actor_id=self.worker_id,
                    from_state=RequestState.RECEIVED,
                    to_state=RequestState.IN_PROCESS,
                    note=note,
                )
                return


def _submitted_reference(entries: list[OutboxRow], opd_slug: str, now: datetime) -> str | None:
    """The OPD's reference from the request's own delivery to ``opd_slug``, which a ``CANCEL`` must follow.

    Raises ``_Retry`` while that delivery is still pending, ``_GiveUp`` when it
    was given up (the OPD never had the request, so there is nothing to cancel there).
    """
    for entry in entries:
        # a rerouted request has a delivery per OPD it went to: the cancellation follows its own OPD's
        if entry.operation not in _SUBMISSIONS or entry.opd_slug != opd_slug:
            continue
        if entry.status is OutboxStatus.DELIVERED:
            return entry.upstream_reference
        if entry.status is OutboxStatus.FAILED_PERMANENTLY:
            raise _GiveUp("the request itself never reached the OPD, so there is nothing to cancel there")
        # look again when the request's own delivery is next attempted, and not in a busy loop before
        wait = max(_WAIT_FOR_SUBMISSION, entry.next_attempt_at - now + _WAIT_FOR_SUBMISSION)
        raise _Retry("waiting for the request itself to be delivered first", delay=wait, waiting=True)
    raise _GiveUp("the request was never queued for this OPD, so there is nothing to cancel there")


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= _MAX_ERROR_LENGTH else text[: _MAX_ERROR_LENGTH - 1] + "…"
