"""A fleet of simulated OPD portals in child processes, for tests, the demo and benchmarks.

::

    with Fleet(["dinkes", "bappeda", "dishub", "dpk"], processes=2) as fleet:
        fleet.endpoints            # {"dinkes": "http://127.0.0.1:41234", ...}
        fleet.set_knobs("dinkes", hang=True)
        fleet.stats()["dinkes"]["documents"]
        fleet.received("dinkes")   # the requests its request API took

With ``regency=True`` the fleet also runs a regency's gateway over a small
fleet of its own (:class:`simulator.regency.Regency`), and the gateway config
reads that regency's OPDs through the ``graphql`` connector.

Each child is ``python -m simulator serve`` hosting a share of the OPDs. The
fleet stops every child on exit, even when starting failed half-way, and a
child also stops by itself when the parent dies (its stdin closes).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from connectors.records import Document

from .catalogs import write_catalogs
from .dialects import dms_url_env, served_documents
from .gateway_config import render_gateway_config
from .knobs import Knobs, parse_knob_spec
from .plan import (
    SIM_INTAKE_SECRET,
    SIM_INTAKE_SECRET_ENV,
    SIM_TOKEN,
    SIM_TOKEN_ENV,
    Dialect,
    OpdPlan,
    make_plan,
)
from .seed import OpdSeed

if TYPE_CHECKING:
    from .regency import Regency

__all__ = ["Fleet", "FleetError"]

_PROJECT_ROOT = Path(__file__).resolve().parent.parent


class FleetError(RuntimeError):
    """The fleet could not start, or a control call failed."""


@dataclass
class _Child:
    slugs: list[str]
    process: subprocess.Popen[bytes]
    stderr: IO[bytes]
    ready: dict[str, Any] = field(default_factory=dict)

    @property
    def control(self) -> str:
        return str(self.ready["control"])

    def stderr_text(self, limit: int = 4000) -> str:
        with contextlib.suppress(OSError, ValueError):
            self.stderr.seek(0)
            text = self.stderr.read().decode("utf-8", errors="replace")
            return text[-limit:] if text.strip() else "(nothing on stderr)"
        return "(stderr unavailable)"


class Fleet:
    """Simulated OPDs over real HTTP on loopback, spread over ``processes`` child processes.

    ``opds``: slugs (default: all 43). ``knobs``: faults at start, ``{slug:
    Knobs | dict}`` with ``"*"`` for every OPD. ``dialects``, ``auth`` and
    ``intake`` override the plan (see :func:`simulator.plan.make_plan`). ``dms_urls``
    puts the database of some ``sql`` OPDs where the caller says (a PostgreSQL
    database, say); the others get a SQLite file in a folder the fleet
    removes. ``regency`` also runs the simulated regency and its gateway.
    ``python`` is the interpreter that runs the children. Use as a context
    manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        opds: Iterable[str] | None = None,
        *,
        processes: int = 4,
        knobs: Mapping[str, Knobs | Mapping[str, Any]] | None = None,
        dialects: Mapping[str, Dialect | str] | None = None,
        auth: Iterable[str] | None = None,
        intake: Iterable[str] | None = None,
        dms_urls: Mapping[str, str] | None = None,
        regency: bool = False,
        startup_timeout_s: float = 30.0,
        stop_timeout_s: float = 5.0,
        python: str = sys.executable,
    ) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        slugs = None if opds is None else list(opds)
        self.plan: list[OpdPlan] = make_plan(slugs, dialects=dialects, auth=auth, intake=intake)
        if not self.plan:
            raise ValueError("a fleet needs at least one OPD")
        self._dialect_overrides = {slug: Dialect(value) for slug, value in (dialects or {}).items()}
        self._auth = frozenset(plan.slug for plan in self.plan if plan.auth)
        self._intake = frozenset(plan.slug for plan in self.plan if plan.intake)
        spec = {
            slug: value.model_dump(exclude_defaults=True) if isinstance(value, Knobs) else dict(value)
            for slug, value in (knobs or {}).items()
        }
        self._knobs = parse_knob_spec(spec, [plan.slug for plan in self.plan])
        self.processes = min(processes, len(self.plan))
        self.python = python
        self.startup_timeout_s = startup_timeout_s
        self.stop_timeout_s = stop_timeout_s
        self.endpoints: dict[str, str] = {}
        """Base URL per OPD, down ones included (their port refuses connections)."""
        self.down: set[str] = set()
        """The OPDs that were down at start."""
        self.startup_s: float | None = None
        """How long :meth:`start` took."""
        self._children: list[_Child] = []
        self._owner: dict[str, _Child] = {}
        self._http: httpx.Client | None = None
        self._dms_urls = dict(dms_urls or {})
        self.dms_urls: dict[str, str] = {}
        """The database URL of each ``sql`` OPD, once started."""
        self._with_regency = regency
        self.regency: Regency | None = None
        """The running regency (``regency=True``), else ``None``."""

    # Lifecycle.

    def __enter__(self) -> Fleet:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Fleet:
        """Start every child and wait for all ready lines; on any failure, stop them all and raise."""
        if self._children:
            raise FleetError("the fleet is already started")
        began = time.perf_counter()
        self.endpoints, self.down = {}, set()
        atexit.register(self.stop)
        try:
            for share in self._shares():
                self._children.append(self._spawn(share))
            self._await_ready()
        except BaseException:
            self.stop()
            raise
        # Loopback only: never through a proxy from the environment.
        self._http = httpx.Client(timeout=10.0, trust_env=False)
        for child in self._children:
            self.endpoints.update(child.ready["ready"])
            self.down.update(child.ready["down"])
            for slug in child.slugs:
                self._owner[slug] = child
        # Keep the directory order, whatever order the children answered in.
        self.endpoints = {plan.slug: self.endpoints[plan.slug] for plan in self.plan}
        for child in self._children:
            self.dms_urls.update(child.ready.get("dms", {}))
        if self._with_regency:
            from .regency import Regency  # the regency runs a fleet of its own: a cycle at import time

            try:
                self.regency = Regency(python=self.python).start()
            except BaseException:
                self.stop()
                raise
        self.startup_s = time.perf_counter() - began
        return self

    def stop(self) -> None:
        """Stop every child: close its stdin and SIGTERM it, wait, kill what is left. Idempotent."""
        atexit.unregister(self.stop)
        if self.regency is not None:
            self.regency.stop()
            self.regency = None
        if self._http is not None:
            self._http.close()
            self._http = None
        children, self._children = self._children, []
        for child in children:
            with contextlib.suppress(OSError):
                if child.process.stdin:
                    child.process.stdin.close()
            with contextlib.suppress(OSError):
                child.process.terminate()
        deadline = time.monotonic() + self.stop_timeout_s
        for child in children:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
            if child.process.stdout:
                child.process.stdout.close()
            child.stderr.close()
        self._owner.clear()

    def _shares(self) -> list[list[str]]:
        # Round robin, so each process gets a mix of dialects and a similar load.
        shares: list[list[str]] = [[] for _ in range(self.processes)]
        for index, plan in enumerate(self.plan):
            shares[index % self.processes].append(plan.slug)
        return shares

    def _spawn(self, slugs: list[str]) -> _Child:
        command = [
            self.python,
            "-m",
            "simulator",
            "serve",
            "--opds",
            ",".join(slugs),
            "--auth",
            ",".join(s for s in slugs if s in self._auth) or "none",
            "--intake",
            ",".join(s for s in slugs if s in self._intake) or "none",
            "--exit-with-stdin",
        ]
        knobs = {s: self._knobs[s].model_dump(exclude_defaults=True) for s in slugs}
        if any(knobs.values()):
            command += ["--knobs", json.dumps({s: k for s, k in knobs.items() if k})]
        dialects = {s: d.value for s, d in self._dialect_overrides.items() if s in slugs}
        if dialects:
            command += ["--dialects", json.dumps(dialects)]
        databases = {s: url for s, url in self._dms_urls.items() if s in slugs}
        if databases:
            command += ["--dms", json.dumps(databases)]
        env = dict(os.environ)
        # The children import this very package, installed or not.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH")]))
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env
            )
        except BaseException:
            stderr.close()
            raise
        return _Child(slugs, process, stderr)

    def _await_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        buffers: dict[int, bytes] = {}
        waiting: dict[int, _Child] = {}
        with selectors.DefaultSelector() as selector:
            for child in self._children:
                assert child.process.stdout is not None
                fd = child.process.stdout.fileno()
                waiting[fd], buffers[fd] = child, b""
                selector.register(fd, selectors.EVENT_READ)
            while waiting:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    child = next(iter(waiting.values()))
                    raise FleetError(
                        f"simulator process for {', '.join(child.slugs)} was not ready after "
                        f"{self.startup_timeout_s:.0f} s; its stderr:\n{child.stderr_text()}"
                    )
                for key, _ in selector.select(remaining):
                    fd = int(key.fd)
                    child = waiting[fd]
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        code = child.process.wait(timeout=self.stop_timeout_s)
                        raise FleetError(
                            f"simulator process for {', '.join(child.slugs)} exited with code {code} "
                            f"before it was ready; its stderr:\n{child.stderr_text()}"
                        )
                    buffers[fd] += chunk
                    if b"\n" in buffers[fd]:
                        line = buffers[fd].split(b"\n", 1)[0]
                        try:
                            child.ready = json.loads(line)
                        except ValueError as exc:
                            raise FleetError(f"simulator process said {line!r}, not its ready line") from exc
                        selector.unregister(fd)
                        del waiting[fd]

    # What the fleet serves.

    @property
    def pids(self) -> list[int]:
        """The process ids of the running children (empty once stopped)."""
        return [child.process.pid for child in self._children]

    @property
    def dialects(self) -> dict[str, Dialect]:
        """The dialect of each OPD."""
        return {plan.slug: plan.dialect for plan in self.plan}

    @property
    def auth(self) -> frozenset[str]:
        """The OPDs whose API wants ``X-API-Key: simulator-token``."""
        return self._auth

    @property
    def intake(self) -> frozenset[str]:
        """The OPDs that take requests (``X-PPID-Secret: simulator-intake-secret``)."""
        return self._intake

    def environment(self) -> dict[str, str]:
        """The environment variables a gateway reading this fleet needs.

        The API key, the intake secret and each ``sql`` OPD's database URL.
        """
        env = {SIM_TOKEN_ENV: SIM_TOKEN, SIM_INTAKE_SECRET_ENV: SIM_INTAKE_SECRET}
        env.update({dms_url_env(slug): url for slug, url in self.dms_urls.items()})
        return env

    @property
    def opds(self) -> list[str]:
        """Every OPD a gateway reading this fleet lists: the fleet's, then the regency's."""
        return [*self.endpoints, *(self.regency.slugs if self.regency else [])]

    def _plan_of(self, slug: str) -> OpdPlan:
        for plan in self.plan:
            if plan.slug == slug:
                return plan
        if self.regency is not None:
            return self.regency.fleet._plan_of(slug)
        raise KeyError(slug)

    def seed(self, slug: str) -> OpdSeed:
        """What ``slug`` serves (the same seed the child generated); a regency OPD's too."""
        return self._plan_of(slug).seed()

    def served_documents(self, slug: str) -> list[Document]:
        """``slug``'s documents as the gateway reads them: with its connector's ids and years.

        WordPress and CKAN portals give documents ids of their own; a regency
        OPD's are those of the regency gateway (which reads its own portals).
        """
        return served_documents(self._plan_of(slug))

    def gateway_config(
        self,
        catalog_dir: Path,
        *,
        federation: Mapping[str, Any] | None = None,
        config_dir: Path | None = None,
    ) -> dict[str, Any]:
        """Write the catalogs of the ``files`` OPDs to ``catalog_dir`` and return the gateway config."""
        dialects = self._dialect_overrides
        write_catalogs(catalog_dir, self.endpoints, dialects=dialects)
        regency = self.regency
        return render_gateway_config(
            self.endpoints,
            catalog_dir=catalog_dir,
            federation=federation,
            dialects=dialects,
            auth=self._auth,
            intake=self._intake,
            config_dir=config_dir,
            regency={slug: regency.connector_block(slug) for slug in regency.slugs} if regency else None,
        )

    # Control: knobs and counts, through each child's control API.

    def control_url(self, slug: str) -> str:
        """The control API of the process that hosts ``slug``."""
        child = self._owner.get(slug)
        if child is None:
            raise FleetError(f"{slug!r} is not an OPD of this running fleet")
        return child.control

    def _call(self, method: str, url: str, body: Mapping[str, Any] | None = None) -> Any:
        if self._http is None:
            raise FleetError("the fleet is not running")
        try:
            response = self._http.request(method, url, json=body)
        except httpx.HTTPError as exc:
            raise FleetError(f"control call {method} {url} failed: {exc}") from exc
        if response.status_code >= 400:
            raise FleetError(f"control call {method} {url} answered {response.status_code}: {response.text}")
        return response.json()

    def knobs(self, slug: str) -> Knobs:
        """The current knobs of ``slug``."""
        return Knobs.model_validate(self._call("GET", f"{self.control_url(slug)}/_sim/knobs/{slug}"))

    def set_knobs(self, slug: str, **changes: Any) -> Knobs:
        """Change some knobs of ``slug`` now (``set_knobs("dinkes", hang=True)``); returns all its knobs."""
        url = f"{self.control_url(slug)}/_sim/knobs/{slug}"
        return Knobs.model_validate(self._call("POST", url, changes))

    def reset_knobs(self, slugs: Sequence[str] | None = None) -> None:
        """Put ``slugs`` (default: every OPD) back to the knobs the fleet started with."""
        for slug in slugs if slugs is not None else list(self._owner):
            self._call("DELETE", f"{self.control_url(slug)}/_sim/knobs/{slug}")

    def stats(self) -> dict[str, dict[str, int]]:
        """Requests received per OPD and endpoint (``documents``, ``document``,
        ``information_list``, ``profile``, ``file``, ``request_intake``, ``request_status``,
        ``request_cancel``, ``other``), over every child."""
        merged: dict[str, dict[str, int]] = {}
        for child in self._live_children():
            merged.update(self._call("GET", f"{child.control}/_sim/stats"))
        return merged

    def reset_stats(self) -> None:
        """Zero every request count."""
        for child in self._live_children():
            self._call("DELETE", f"{child.control}/_sim/stats")

    # Requests: what the OPDs with intake received, through the control API.

    def received(self, slug: str) -> list[dict[str, Any]]:
        """The requests ``slug``'s request API took, oldest first (see :mod:`simulator.control`).

        Each has the OPD's ``id``, ``registration_number``, ``state``, ``deliveries``
        (1, plus each repeat answered 409) and the ``body`` as received.
        """
        answer = self._call("GET", f"{self.control_url(slug)}/_sim/requests/{slug}")
        requests: list[dict[str, Any]] = answer["requests"]
        return requests

    def set_request_state(
        self,
        slug: str,
        reference: str,
        state: str,
        *,
        message: str | None = None,
        refusal_ground: str | None = None,
        holding_body: str | None = None,
    ) -> dict[str, Any]:
        """Move request ``reference`` of ``slug`` to ``state`` (a ``RequestState`` name), as a PPID would."""
        changes = {"state": state, "message": message}
        if refusal_ground is not None:
            changes["refusal_ground"] = refusal_ground
        if holding_body is not None:
            changes["holding_body"] = holding_body
        url = f"{self.control_url(slug)}/_sim/requests/{slug}/{quote(reference, safe='')}"
        changed: dict[str, Any] = self._call("POST", url, changes)
        return changed

    def reset_requests(self, slugs: Sequence[str] | None = None) -> None:
        """Forget the requests of ``slugs`` (default: every OPD with intake)."""
        for slug in slugs if slugs is not None else sorted(self._intake):
            self._call("DELETE", f"{self.control_url(slug)}/_sim/requests/{slug}")

    def _live_children(self) -> list[_Child]:
        if not self._children:
            raise FleetError("the fleet is not running")
        return self._children
