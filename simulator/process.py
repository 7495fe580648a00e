"""One simulator process: several OPDs, each a uvicorn server on its own port, in one event loop.

The process prints one JSON line to stdout once every port listens::

    {"ready": {"dinkes": "http://127.0.0.1:41234", ...}, "down": [...],
     "control": "http://127.0.0.1:41200", "dialects": {...}, "auth": [...],
     "intake": [...], "dms": {"dpmptsp": "sqlite+aiosqlite:///..."}, "pid": 123}

``ready`` holds every OPD's base URL, the ``down`` ones included: their URL
points at a port that nothing listens on. ``dms`` holds the database URL of
each ``sql`` OPD, written before the line is printed (into the URL the
caller gave, else a SQLite file in a folder removed on exit). Then it serves until SIGTERM or
SIGINT (or, with ``watch_stdin``, until its stdin closes: the parent died).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import uvicorn
from starlette.types import ASGIApp

from .control import KnobChangeError, control_app
from .dialects import intake_desk
from .intake import IntakeDesk
from .knobs import Knobs, KnobState
from .opd_app import opd_app
from .plan import Dialect, OpdPlan
from .sql_dms import write_dms
from .stats import RequestStats

__all__ = ["SimulatorProcess", "closed_port", "run_process"]

HOST = "127.0.0.1"


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to the process.

    uvicorn installs its own handler per server, each replacing the last, so
    only one server of many would stop; the process stops them all instead.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(port: int) -> socket.socket:
    # proto=IPPROTO_TCP, not 0: asyncio turns Nagle off only on sockets that
    # say they are TCP, and with Nagle on every keep-alive request after the
    # first waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # Rebinding the same port right after an OPD went down (knob "down"
    # flipped back) must not fail on connections in TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    return sock


def closed_port() -> int:
    """A loopback port nothing listens on: bound once by the OS's choice, then released."""
    with contextlib.closing(_bind(0)) as sock:
        port: int = sock.getsockname()[1]
        return port


class _Listener:
    """One ASGI app served on one port; can stop and listen again on the same port."""

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.port = port
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def start(self) -> None:
        sock = _bind(self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            server_header=False,
            timeout_graceful_shutdown=1,
        )
        server = _QuietServer(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        # An in-process flag, not a server: uvicorn sets it once it accepts.
        while not server.started:
            if task.done():
                await task
                raise RuntimeError(f"the server on port {self.port} stopped while starting")
            await asyncio.sleep(0.005)
        self._server, self._task = server, task

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._server = self._task = None


class SimulatorProcess:
    """The OPDs of one process, their knobs and counts, and the control API over them."""

    def __init__(
        self,
        plans: Sequence[OpdPlan],
        *,
        knobs: Mapping[str, Knobs] | None = None,
        ports: Mapping[str, int] | None = None,
        control_port: int = 0,
        dms_urls: Mapping[str, str] | None = None,
    ) -> None:
        self.plans = {plan.slug: plan for plan in plans}
        self._dms_urls = dict(dms_urls or {})
        self._dms_dir: Path | None = None
        self.request_stats = RequestStats()
        self._knobs = {slug: KnobState(slug, (knobs or {}).get(slug, Knobs())) for slug in self.plans}
        self._desks: dict[str, IntakeDesk] = {
            slug: intake_desk(plan) for slug, plan in self.plans.items() if plan.intake
        }
        self._listeners = {
            slug: _Listener(
                opd_app(plan, knobs=self._knobs[slug], stats=self.request_stats, desk=self._desks.get(slug)),
                (ports or {}).get(slug, 0),
            )
            for slug, plan in self.plans.items()
        }
        self._control = _Listener(control_app(self), control_port)
        self._stop_requested = asyncio.Event()
        self._lock = asyncio.Lock()

    @property
    def slugs(self) -> list[str]:
        """The OPDs of this process."""
        return list(self.plans)

    async def start(self) -> dict[str, Any]:
        """Listen on every port (except the ``down`` OPDs) and return the ready message."""
        for slug, listener in self._listeners.items():
            if self._knobs[slug].knobs.down and listener.port == 0:
                # Nothing is reserved for a down OPD: it gets a port nothing listens on.
                listener.port = closed_port()
        await asyncio.gather(
            self._control.start(),
            *(
                listener.start()
                for slug, listener in self._listeners.items()
                if not self._knobs[slug].knobs.down
            ),
        )
        await self._write_databases()
        return self.describe()

    async def _write_databases(self) -> None:
        # A sql OPD's documents live in its database; its portal only serves the files the rows link.
        for slug, plan in self.plans.items():
            if plan.dialect is not Dialect.SQL:
                continue
            if slug not in self._dms_urls:
                if self._dms_dir is None:
                    self._dms_dir = Path(tempfile.mkdtemp(prefix="ppid-simulator-dms-"))
                self._dms_urls[slug] = f"sqlite+aiosqlite:///{self._dms_dir / f'{slug}.sqlite'}"
            await write_dms(plan.seed(), self._dms_urls[slug], files_base_url=self._listeners[slug].url)

    def describe(self) -> dict[str, Any]:
        """The ready message: URLs, which OPDs are down, the control URL, dialects, auth, intake."""
        return {
            "ready": {slug: listener.url for slug, listener in self._listeners.items()},
            "down": [slug for slug, listener in self._listeners.items() if not listener.running],
            "control": self._control.url,
            "dialects": {slug: plan.dialect.value for slug, plan in self.plans.items()},
            "auth": [slug for slug, plan in self.plans.items() if plan.auth],
            "intake": list(self._desks),
            "dms": {slug: url for slug, url in self._dms_urls.items() if slug in self.plans},
            "pid": os.getpid(),
        }

    def request_stop(self) -> None:
        """Ask :meth:`serve` to return (safe from a signal handler)."""
        self._stop_requested.set()

    async def serve(self) -> None:
        """Serve until :meth:`request_stop`, then stop every server."""
        await self._stop_requested.wait()
        await self.stop()

    async def stop(self) -> None:
        """Stop every server; requests still hanging are answered 503 at once."""
        for state in self._knobs.values():
            state.close()
        listeners = [self._control, *self._listeners.values()]
        await asyncio.gather(*(listener.stop() for listener in listeners))
        if self._dms_dir is not None:
            shutil.rmtree(self._dms_dir, ignore_errors=True)
            self._dms_dir = None

    # The control API (simulator.control.SimulatorControl).

    def knobs(self, slug: str) -> Knobs:
        """The OPD's current knobs."""
        return self._knobs[slug].knobs

    async def update_knobs(self, slug: str, changes: Mapping[str, Any]) -> Knobs:
        """Change some knobs of ``slug``; ``down`` stops or restarts its server on the same port."""
        async with self._lock:
            state = self._knobs[slug]
            wanted = state.knobs.changed(changes)
            await self._apply_down(slug, wanted.down)
            return state.update(changes)

    async def reset_knobs(self, slug: str) -> Knobs:
        """Restore the knobs ``slug`` started with."""
        async with self._lock:
            state = self._knobs[slug]
            knobs = state.reset()
            await self._apply_down(slug, knobs.down)
            return knobs

    async def _apply_down(self, slug: str, down: bool) -> None:
        listener, state = self._listeners[slug], self._knobs[slug]
        if down and listener.running:
            state.close()
            await listener.stop()
        elif not down and not listener.running:
            state.reopen()
            try:
                await listener.start()
            except OSError as exc:
                state.close()
                raise KnobChangeError(f"{slug} cannot listen again on port {listener.port}: {exc}") from exc

    def stats(self) -> dict[str, dict[str, int]]:
        """Requests per OPD and endpoint since the start or the last reset."""
        return self.request_stats.snapshot(self.slugs)

    def reset_stats(self) -> None:
        """Zero every count."""
        self.request_stats.reset()

    def intake(self, slug: str) -> IntakeDesk | None:
        """The request desk of ``slug``, or ``None`` when it takes no requests."""
        return self._desks.get(slug)


def _watch_stdin(loop: asyncio.AbstractEventLoop, process: SimulatorProcess) -> None:
    # The parent keeps our stdin open and never writes to it: end of file
    # means the parent is gone, and an orphaned simulator must not linger.
    with contextlib.suppress(OSError, ValueError):
        while sys.stdin.buffer.read(4096):
            pass
    with contextlib.suppress(RuntimeError):  # the loop may be closed already
        loop.call_soon_threadsafe(process.request_stop)


async def _main(
    plans: Sequence[OpdPlan],
    *,
    knobs: Mapping[str, Knobs],
    ports: Mapping[str, int],
    control_port: int,
    watch_stdin: bool,
    out: TextIO,
    dms_urls: Mapping[str, str],
) -> int:
    process = SimulatorProcess(plans, knobs=knobs, ports=ports, control_port=control_port, dms_urls=dms_urls)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, process.request_stop)
    if watch_stdin:
        threading.Thread(target=_watch_stdin, args=(loop, process), daemon=True).start()
    try:
        message = await process.start()
    except OSError as exc:
        print(f"simulator: cannot listen: {exc}", file=sys.stderr)
        await process.stop()
        return 1
    print(json.dumps(message), file=out, flush=True)
    await process.serve()
    return 0


def run_process(
    plans: Sequence[OpdPlan],
    *,
    knobs: Mapping[str, Knobs] | None = None,
    ports: Mapping[str, int] | None = None,
    control_port: int = 0,
    watch_stdin: bool = False,
    out: TextIO | None = None,
    dms_urls: Mapping[str, str] | None = None,
) -> int:
    """Serve ``plans`` until stopped; print the ready line to ``out`` (stdout). Returns the exit code.

    ``dms_urls`` gives the database of some ``sql`` OPDs (the others get a SQLite file).
    """
    return asyncio.run(
        _main(
            plans,
            knobs=knobs or {},
            ports=ports or {},
            control_port=control_port,
            watch_stdin=watch_stdin,
            out=out or sys.stdout,
            dms_urls=dms_urls or {},
        )
    )
