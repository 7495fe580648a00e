"""Exponential backoff: doubling from the base, capped, spread by jitter."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.config import DeliveryConfig
from gateway.delivery import retry_delay
from gateway.delivery.backoff import JITTER

CONFIG = DeliveryConfig(base_delay_s=5, max_delay_s=3600)


class _NoJitter(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return a


def test_delays_double_from_the_base_until_the_cap() -> None:
    delays = [retry_delay(n, CONFIG, _NoJitter()).total_seconds() for n in range(1, 13)]
    assert delays == [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]


@given(attempts=st.integers(min_value=1, max_value=10_000), seed=st.integers())
def test_every_delay_is_within_jitter_of_its_step_and_never_past_the_cap(attempts: int, seed: int) -> None:
    step = min(3600.0, 5.0 * 2.0 ** min(attempts - 1, 64))
    delay = retry_delay(attempts, CONFIG, random.Random(seed))
    assert timedelta(seconds=step) <= delay <= timedelta(seconds=min(3600.0, step * (1 + JITTER)))


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        retry_delay(0, CONFIG)


def test_config_refuses_an_attempt_longer_than_its_lease() -> None:
    with pytest.raises(ValueError, match="must be less than lease_s"):
        DeliveryConfig(attempt_timeout_s=60, lease_s=30)
