"""The worker and the status sync as background tasks of the gateway process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self

from .status_sync import StatusSync
from .worker import DeliveryWorker

__all__ = ["BackgroundDelivery"]

_log = logging.getLogger(__name__)
_STOP_GRACE_S = 10.0
_RESTART_AFTER_S = 5.0


class BackgroundDelivery:
    """Runs ``worker`` and ``status_sync`` from ``async with`` entry to exit.

    On exit both are asked to stop and given a grace period to finish the
    attempts under way; what is cut short stays claimed until its lease runs
    out and is then attempted again, by this process after a restart or by
    another replica.
    """

    def __init__(self, worker: DeliveryWorker, status_sync: StatusSync) -> None:
        self.worker = worker
        self.status_sync = status_sync
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Self:
        self._tasks = [
            asyncio.create_task(self._guard("outbox worker", self.worker.run)),
            asyncio.create_task(self._guard("status sync", self.status_sync.run)),
        ]
        _log.info("outbox worker %s started", self.worker.worker_id)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        _done, pending = await asyncio.wait(self._tasks, timeout=_STOP_GRACE_S)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _guard(self, name: str, loop: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        # One unexpected error must not end deliveries for the life of the process: log it, run again.
        while not self._stop.is_set():
            try:
                await loop(self._stop)
            except Exception:
                _log.exception("%s failed unexpectedly; it starts again in %g s", name, _RESTART_AFTER_S)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=_RESTART_AFTER_S)
