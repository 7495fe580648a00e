"""When a failed delivery is tried again: exponential backoff with jitter."""

from __future__ import annotations

import random
from datetime import timedelta

from gateway.config import DeliveryConfig

__all__ = ["JITTER", "retry_delay"]

JITTER = 0.2
"""Each delay is lengthened by a random share up to this, so replicas that failed together spread out."""


def retry_delay(attempts: int, config: DeliveryConfig, rng: random.Random | None = None) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: ``base × 2^(attempts-1)``, capped, jittered.

    The cap holds after the jitter too, so ``max_delay_s`` really is the longest wait.
    """
    if attempts < 1:
        raise ValueError(f"attempts counts from 1, not {attempts}")
    # the exponent is capped first: 2**10_000 would overflow a float long before the cap applies
    exponent = min(attempts - 1, 64)
    delay = min(config.max_delay_s, config.base_delay_s * 2.0**exponent)
    share = (rng or random).uniform(0.0, JITTER)
    return timedelta(seconds=min(config.max_delay_s, delay * (1.0 + share)))
