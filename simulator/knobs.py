"""Fault knobs: how badly one simulated OPD behaves, changeable while it runs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["KnobSpecError", "KnobState", "Knobs", "parse_knob_spec"]


class Knobs(BaseModel):
    """The faults of one OPD. The default is a healthy, instant portal.

    When several are on, they apply in this order: ``down`` (nothing
    listens), ``hang``, the delay (``latency_ms`` ± ``jitter_ms``, plus
    ``slow_ms`` when ``slow``), ``error_rate`` (decided on arrival),
    ``garbage``, ``wrong_shape``. Requests to the control API are never
    affected; they live on a port of their own (:mod:`simulator.control`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    latency_ms: float = Field(default=0.0, ge=0)
    """Added to every answer."""
    jitter_ms: float = Field(default=0.0, ge=0)
    """Latency varies uniformly by up to this much either way (from a seeded generator)."""
    error_rate: float = Field(default=0.0, ge=0, le=1)
    """The fraction of requests answered ``500``; which ones is a fixed sequence per OPD."""
    hang: bool = False
    """Accept the request and never answer (until the client gives up or the knob is turned off)."""
    slow: bool = False
    """Answer, but only after ``slow_ms``."""
    slow_ms: float = Field(default=5000.0, ge=0)
    """The delay of ``slow``."""
    garbage: bool = False
    """Answer ``200`` with a body that is not JSON (an HTML error page from a proxy)."""
    wrong_shape: bool = False
    """Answer ``200`` with JSON of the wrong shape."""
    down: bool = False
    """Nothing listens on the OPD's port: connection refused."""

    def changed(self, changes: Mapping[str, Any]) -> Knobs:
        """A copy with ``changes`` applied and validated."""
        return Knobs.model_validate({**self.model_dump(), **changes})


class KnobSpecError(ValueError):
    """A knob specification that cannot be used."""


def parse_knob_spec(spec: str | Mapping[str, Any] | None, slugs: list[str]) -> dict[str, Knobs]:
    """Knobs per OPD from a JSON spec: ``{"dinkes": {"latency_ms": 50}, "*": {...}}``.

    ``*`` applies to every OPD, and an OPD's own entry is applied over it. A
    string starting with ``@`` names a JSON file.
    """
    if spec is None or spec == "":
        raw: Any = {}
    elif isinstance(spec, str):
        try:
            text = Path(spec[1:]).read_text(encoding="utf-8") if spec.startswith("@") else spec
            raw = json.loads(text)
        except (OSError, json.JSONDecodeError) as exc:
            raise KnobSpecError(f"--knobs is not readable JSON: {exc}") from exc
    else:
        raw = dict(spec)
    if not isinstance(raw, dict):
        raise KnobSpecError('--knobs must be a JSON object such as {"dinkes": {"latency_ms": 50}}')
    unknown = sorted(set(raw) - set(slugs) - {"*"})
    if unknown:
        raise KnobSpecError(f"--knobs names OPDs this process does not serve: {', '.join(unknown)}")
    result = {}
    for slug in slugs:
        try:
            result[slug] = Knobs().changed(raw.get("*", {})).changed(raw.get(slug, {}))
        except ValidationError as exc:
            raise KnobSpecError(f"--knobs for {slug}: {exc}") from exc
    return result


class KnobState:
    """The live knobs of one OPD and the seeded generators that make them repeatable."""

    def __init__(self, slug: str, knobs: Knobs) -> None:
        self.slug = slug
        self._initial = knobs
        self.knobs = knobs
        self._reseed()
        # Hanging requests wait on this; it is set (and replaced) whenever
        # the knobs change or the OPD stops, so a test can flip hang off.
        self._wakeup = asyncio.Event()
        self.closed = False
        """True while the OPD is stopping or down."""

    def _reseed(self) -> None:
        self._errors = random.Random(f"ppid-simulator-errors:{self.slug}")
        self._jitter = random.Random(f"ppid-simulator-jitter:{self.slug}")

    def update(self, changes: Mapping[str, Any]) -> Knobs:
        """Apply ``changes`` (validated) and wake every hanging request so it re-reads the knobs."""
        self.knobs = self.knobs.changed(changes)
        self.wake()
        return self.knobs

    def reset(self) -> Knobs:
        """Back to the knobs the process started with, and restart the error sequence."""
        self.knobs = self._initial
        self._reseed()
        self.wake()
        return self.knobs

    def wake(self) -> None:
        """Release every request waiting in :meth:`hold` or :meth:`pause`, so it looks again."""
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def close(self) -> None:
        """The OPD is stopping: every waiting request gives up at once."""
        self.closed = True
        self.wake()

    def reopen(self) -> None:
        """The OPD listens again."""
        self.closed = False

    async def hold(self) -> bool:
        """Wait while ``hang`` is on; False when the OPD stopped meanwhile."""
        while self.knobs.hang and not self.closed:
            await self._wakeup.wait()
        return not self.closed

    async def pause(self, seconds: float) -> bool:
        """Wait ``seconds``; False when the OPD stopped meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return True
            # Woken early by a knob change: keep waiting out the delay.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)
        return False

    def delay_s(self) -> float:
        """How long to wait before answering this request."""
        knobs = self.knobs
        delay = knobs.latency_ms
        if knobs.jitter_ms:
            delay += self._jitter.uniform(-knobs.jitter_ms, knobs.jitter_ms)
        if knobs.slow:
            delay += knobs.slow_ms
        return max(0.0, delay) / 1000

    def roll_error(self) -> bool:
        """True when this request is to fail with ``500``.

        A number is drawn for every request, even at rate 0, so the sequence
        of failures depends only on the number of requests since the start
        (or the last reset).
        """
        return self._errors.random() < self.knobs.error_rate
