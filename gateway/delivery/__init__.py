"""Delivery to the OPDs' own PPID systems: the outbox worker and the status sync.

::

    worker = DeliveryWorker(ledger, cipher, federation.connector, config.delivery)
    await worker.run_once()          # or: await worker.run(stop_event)

:class:`BackgroundDelivery` runs both in the gateway process for its lifetime.
"""

from .background import BackgroundDelivery
from .backoff import retry_delay
from .payloads import build_submission
from .status_sync import StatusRound, StatusSync, path_to
from .worker import DeliveryRound, DeliveryWorker, new_worker_id

__all__ = [
    "BackgroundDelivery",
    "DeliveryRound",
    "DeliveryWorker",
    "StatusRound",
    "StatusSync",
    "build_submission",
    "new_worker_id",
    "path_to",
    "retry_delay",
]
