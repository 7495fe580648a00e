"""Fixtures of the federation engine's tests: a fake clock and engines over fake catalogs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest

from connectors import Connector
from gateway.config import CircuitConfig, FederationConfig
from gateway.federation import Federation


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def settings(**overrides: Any) -> FederationConfig:
    """Federation settings with small, test-friendly values."""
    circuit = overrides.pop("circuit", CircuitConfig(failure_threshold=3, reset_after_s=30.0))
    values: dict[str, Any] = {"opd_timeout_s": 3.0, "deadline_s": 6.0, "concurrency": 32, "circuit": circuit}
    values.update(overrides)
    return FederationConfig(**values)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


EngineFactory = Callable[..., Federation]


@pytest.fixture
async def engine(clock: FakeClock) -> AsyncIterator[EngineFactory]:
    """``engine(connectors, **settings)``: an engine over the given connectors; closed after the test."""
    made: list[Federation] = []

    def make(connectors: Mapping[str, Connector], **overrides: Any) -> Federation:
        federation = Federation.for_connectors(connectors, federation=settings(**overrides), clock=clock)
        made.append(federation)
        return federation

    yield make
    for federation in made:
        await federation.aclose()
