"""The request service's fixtures (a ledger on each backend, a fixed clock) and an OPD that takes requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from connectors import (
    Capability,
    MockCall,
    MockConnector,
    OpdRef,
    Submission,
    SubmissionOperation,
    UpstreamReceipt,
    UpstreamRequestStatus,
)
from connectors.vocabulary import RequestState
from gateway.config import DeliveryConfig
from gateway.delivery import DeliveryWorker
from gateway.identity.crypto import PersonalDataCipher
from gateway.ledger import Ledger
from tests.requests import conftest as _requests
from tests.requests.conftest import Clock

# the request service's fixtures, shared
cipher = _requests.cipher
clock = _requests.clock
config = _requests.config
ledger = _requests.ledger
make_service = _requests.make_service
service = _requests.service

INTAKE = frozenset({Capability.REQUEST_INTAKE, Capability.REQUEST_STATUS})


@dataclass
class IntakeDesk:
    """What an OPD's PPID system does with deliveries: keeps one request per registration number.

    ``failures`` are raised, one per attempt, before anything is stored.
    """

    received: dict[str, Submission] = field(default_factory=dict)
    deliveries: list[Submission] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    states: dict[str, UpstreamRequestStatus] = field(default_factory=dict)
    on_receive: Callable[[], object] | None = None
    """Called after each new request is stored."""

    def reference(self, registration_number: str) -> str:
        return "440/" + registration_number.rsplit("/", 1)[1] + "/DINKES"

    def handle(self, call: MockCall) -> Any:
        if call.operation == "request_status":
            return self.states[call.argument]
        submission: Submission = call.argument
        self.deliveries.append(submission)
        if self.failures:
            raise self.failures.pop(0)
        number = submission.registration_number
        if submission.operation is SubmissionOperation.CANCEL:
            self.cancelled.append(number)
            return UpstreamReceipt(reference=submission.reference or self.reference(number))
        duplicate = number in self.received
        self.received.setdefault(number, submission)
        if self.on_receive is not None and not duplicate:
            self.on_receive()
        return UpstreamReceipt(reference=self.reference(number), duplicate=duplicate)

    def report(self, registration_number: str, state: RequestState, **fields: Any) -> None:
        reference = self.reference(registration_number)
        self.states[reference] = UpstreamRequestStatus(reference=reference, state=state, **fields)


@pytest.fixture
def desk() -> IntakeDesk:
    """Dinkes's own PPID system."""
    return IntakeDesk()


@pytest.fixture
def dinkes(desk: IntakeDesk) -> MockConnector:
    """Dinkes's connector, declaring intake and status."""
    return MockConnector(desk.handle, opd=OpdRef(slug="dinkes", name="Dinas Kesehatan"), capabilities=INTAKE)


@pytest.fixture
def delivery_config() -> DeliveryConfig:
    """Quick retries, few attempts."""
    return DeliveryConfig(base_delay_s=10, max_delay_s=600, max_attempts=4, batch_size=10)


@pytest.fixture
def make_worker(
    ledger: Ledger,
    cipher: PersonalDataCipher,
    dinkes: MockConnector,
    delivery_config: DeliveryConfig,
    clock: Clock,
) -> Callable[..., DeliveryWorker]:
    """Builds a worker on the test clock; ``connectors`` maps slugs to connectors (default: dinkes)."""

    def make(
        worker_id: str = "worker-a", connectors: dict[str, MockConnector] | None = None
    ) -> DeliveryWorker:
        by_slug = {"dinkes": dinkes} if connectors is None else connectors
        return DeliveryWorker(ledger, cipher, by_slug.get, delivery_config, worker_id=worker_id, clock=clock)

    return make
