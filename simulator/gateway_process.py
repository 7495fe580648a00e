"""A gateway in a process of its own, for integration tests and benchmarks.

Started as ``python -m gateway.cli serve --port 0``: the port is read back
from uvicorn's start-up line and readiness from ``/readyz`` — never a fixed
port, never a sleep.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

from gateway.identity.crypto import generate_master_key

PERSONAL_DATA_KEY_ENV = "PPID_PERSONAL_DATA_KEY"
"""The variable the gateway reads its personal-data key from (its config's default)."""

_KEPT_LINES = 5000
_LISTENING = re.compile(r"Uvicorn running on (http://\S+)")


# On Linux the gateway asks the kernel for SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG):
# a test run or demo killed outright must not leave a gateway serving on its own. Done in the child
# at start rather than in a preexec_fn, which is unsafe in a parent with threads.
_DIE_WITH_PARENT = """
import ctypes, os, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != parent:  # the parent died before the request took effect
    sys.exit(1)
from gateway.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _launcher() -> list[str]:
    """The start of the command: ``python -m gateway.cli``, tied to this process's life on Linux."""
    if sys.platform.startswith("linux"):
        return [sys.executable, "-c", _DIE_WITH_PARENT, str(os.getpid())]
    return [sys.executable, "-m", "gateway.cli"]


class GatewayProcessError(RuntimeError):
    """The gateway process did not start; the message carries its output."""


class GatewayProcess:
    """``ppid-gateway serve`` on 127.0.0.1 (any free port, or ``port``), stopped on exit even on failure.

    ``log_level`` must be ``info`` or more verbose: the port is read from uvicorn's start-up line.
    """

    def __init__(
        self,
        config: Path,
        *,
        env: Mapping[str, str] | None = None,
        start_timeout_s: float = 30.0,
        workers: int = 1,
        log_level: str = "info",
        port: int = 0,
    ) -> None:
        self.config = config
        self.port = port
        self.env = dict(env or {})
        self.start_timeout_s = start_timeout_s
        self.workers = workers
        self.log_level = log_level
        self.url = ""
        """``http://127.0.0.1:PORT`` once started."""
        self.process: subprocess.Popen[str] | None = None
        # The last lines only: a long-running gateway logs every request.
        self._output: deque[str] = deque(maxlen=_KEPT_LINES)
        self._pump: threading.Thread | None = None

    @property
    def graphql_url(self) -> str:
        """The ``/graphql`` endpoint."""
        return f"{self.url}/graphql"

    @property
    def pid(self) -> int:
        """The process id (of the uvicorn parent when ``workers`` > 1)."""
        assert self.process is not None
        return self.process.pid

    def output(self) -> str:
        """What the process printed so far (its last 5,000 lines)."""
        return "".join(self._output)

    def start(self) -> GatewayProcess:
        """Start the process and return once ``/readyz`` answers 200."""
        command = [
            *_launcher(),
            "serve",
            "--config",
            str(self.config),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            self.log_level,
            "--workers",
            str(self.workers),
        ]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self._environment(),
        )
        found = threading.Event()

        def pump() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                self._output.append(line)
                match = _LISTENING.search(line)
                if match and not self.url:
                    self.url = match.group(1)
                    found.set()

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        deadline = time.monotonic() + self.start_timeout_s
        try:
            while not found.wait(0.05):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise GatewayProcessError(f"the gateway did not start:\n{self.output()}")
            self._await_ready(deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _environment(self) -> dict[str, str]:
        env = {**os.environ, **self.env}
        # A gateway refuses to start without a personal-data key; a throwaway one
        # fits a throwaway gateway (its ledger lives and dies with the test or run).
        env.setdefault(PERSONAL_DATA_KEY_ENV, generate_master_key())
        return env

    def _await_ready(self, deadline: float) -> None:
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                try:
                    if client.get(f"{self.url}/readyz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)  # polling /readyz, not waiting blindly
        raise GatewayProcessError(f"/readyz never answered 200:\n{self.output()}")

    def stop(self) -> None:
        """Stop the process: SIGTERM, then SIGKILL if it lingers; then close its output pipe."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._pump is not None:
            self._pump.join(timeout=5)  # the pipe ends with the process
        if self.process.stdout is not None:
            self.process.stdout.close()

    def kill(self) -> None:
        """End the process at once (SIGKILL): no shutdown, no cleanup, as in a crash or an OOM kill."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.stop()

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
