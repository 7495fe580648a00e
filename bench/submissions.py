"""The submissions benchmark: many citizens submitting at once, then an audit of the ledger.

It starts the simulated OPDs that take requests over their API (the 9
intake OPDs of :func:`simulator.plan.default_intake`) and the gateway as
``ppid-gateway serve`` in a process of its own, on a fresh ledger (a SQLite
file in a temporary folder, or a PostgreSQL database created for the run
and dropped after it). Then ``--clients`` concurrent clients, each with an
``httpx.AsyncClient`` of its own, send ``submitInformationRequest`` over
HTTP until ``--requests`` submissions were made or ``--duration`` seconds
passed. Every requester is different and valid (a Banten NIK, a mobile
number, an e-mail); every submission goes to one of the intake OPDs, chosen
at random. Half carry an idempotency key (``--keyed-share``), and some of
those are sent twice on purpose (``--retry-share``): half of the retries
after the first answer came, half racing it on a second connection.

Measured: acknowledged submissions per second, and the latency of the first
send of each submission (p50, p95, p99); the latency of retries apart.

Then it reads the ledger directly (SQL on the same database) and checks
that nothing was lost or doubled: each submission carries a marker in its
details, so

- **lost**: acknowledged receipts whose registration number is not in the
  ledger, or names another submission's row;
- **duplicated**: rows beyond the first for one submission (a retry that
  registered the request again);
- **unacknowledged**: rows of submissions no answer acknowledged (a response
  lost on the way: the client gave up or the connection broke);
- **retries answered differently**: a retry whose receipt (number or access
  code) differs from the first one's.

When the gateway has an outbox worker (``gateway.delivery``), it then waits
(at most ``--drain-timeout`` seconds) for the outbox to drain, and counts
the outbox entries by status and the distinct registration numbers the
simulated OPDs received against those acknowledged.

::

    .venv/bin/python -m bench.submissions                                  # SQLite, 50 clients, 1000 requests
    .venv/bin/python -m bench.submissions --duration 30 --requests 100000
    .venv/bin/python -m bench.submissions \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ppid_bench

Nothing here is a test and nothing asserts a timing. Every process it
starts is stopped and the database it created is dropped, even when it
fails; all traffic stays on 127.0.0.1. The exit code is 1 when the audit
found anything lost, doubled or undelivered.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import itertools
import json
import random
import re
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/submissions.py``: find the project's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bench.machine import describe_code, describe_machine, machine_line, process_cpu_ms, process_memory_mb
from gateway.config import DatabaseConfig, GatewayConfig
from gateway.identity.errors import InvalidField
from gateway.identity.nik import parse_nik
from gateway.kip.vocabulary import RequestKind
from gateway.ledger import Ledger
from gateway.ledger.tables import outbox, requests
from simulator.fleet import Fleet, FleetError
from simulator.gateway_process import GatewayProcess, GatewayProcessError
from simulator.plan import default_intake

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "submissions.json"
SUBMIT = """
mutation Submit($input: InformationRequestInput!) {
  submitInformationRequest(input: $input) { registrationNumber accessCode opd { slug } state }
}
"""
_MARKER = re.compile(r"\[bench ([0-9a-f]+) #(\d+)\]")

# -- requesters: valid, varied, and obviously made up

_REGENCIES = ("01", "02", "03", "04", "71", "72", "73", "74")
"""Banten's regencies (Pandeglang, Lebak, Kab. Tangerang, Kab. Serang) and cities (Kota Tangerang,
Cilegon, Kota Serang, Tangerang Selatan): the NIK's digits 3–4 after the province code 36."""
_GIVEN = (
    "Siti",
    "Ahmad",
    "Dewi",
    "Budi",
    "Rina",
    "Agus",
    "Nur",
    "Eko",
    "Intan",
    "Yusuf",
    "Lestari",
    "Hendra",
)
_FAMILY = ("Aminah", "Hidayat", "Saputra", "Wulandari", "Pratama", "Rahmawati", "Setiawan", "Kurniawan")
_STREETS = ("Jl. Raya Serang", "Jl. Ahmad Yani", "Jl. Veteran", "Jl. Sudirman", "Jl. Trip Jamaksari")
_CITIES = ("Serang", "Cilegon", "Tangerang", "Pandeglang", "Rangkasbitung", "Tangerang Selatan")
_ASKED = (
    "Laporan realisasi anggaran tahun 2025",
    "Daftar penerima bantuan sosial per kecamatan",
    "Dokumen rencana strategis 2025-2029",
    "Data jumlah tenaga kesehatan per puskesmas",
    "Salinan kontrak pengadaan jalan tahun 2025",
)
_PURPOSES = ("Bahan liputan berita", "Bahan penelitian skripsi", "Pengawasan anggaran oleh warga")


def banten_nik(rng: random.Random, today: date) -> str:
    """A NIK that :func:`parse_nik` accepts: province 36, an adult's date of birth, a serial."""
    while True:
        born = today - timedelta(days=rng.randint(18 * 365, 80 * 365))
        day = born.day + (40 if rng.random() < 0.5 else 0)
        text = (
            f"36{rng.choice(_REGENCIES)}{rng.randint(1, 29):02d}"
            f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"
        )
        try:
            parse_nik(text, today=today)
        except InvalidField:  # the century came out wrong for a date near the 120-year edge
            continue
        return text


def request_input(
    rng: random.Random, *, marker: str, opd: str, idempotency_key: str | None
) -> dict[str, Any]:
    """A valid ``InformationRequestInput`` of a new requester, with ``marker`` in its details."""
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    today = datetime.now(UTC).date()
    requester = {
        "name": f"{given} {family}",
        "nik": banten_nik(rng, today),
        "address": f"{rng.choice(_STREETS)} No. {rng.randint(1, 250)}, {rng.choice(_CITIES)}",
        "phone": f"0812{rng.randint(0, 99_999_999):08d}",
        "email": f"{given}.{family}.{rng.randint(1, 99_999)}@example.org".lower(),
        "occupation": rng.choice(("Wartawan", "Mahasiswa", "Wiraswasta", None)),
    }
    return {
        "opd": opd,
        "requester": requester,
        "details": f"{rng.choice(_ASKED)} {marker}",
        "purpose": rng.choice(_PURPOSES),
        "obtainMethod": "COPY_SOFT",
        "deliveryMethod": "EMAIL",
        "idempotencyKey": idempotency_key,
    }


# -- the load


@dataclass
class Submission:
    """One submission as the clients saw it."""

    seq: int
    keyed: bool
    retry: str | None
    """``None``, ``"after"`` (sent again once answered) or ``"racing"`` (sent twice at once)."""
    receipts: list[tuple[str, str]] = field(default_factory=list)
    """``(registrationNumber, accessCode)`` of every send that was answered with a receipt."""
    failures: list[str] = field(default_factory=list)
    """What went wrong with the sends that were not: a GraphQL error, an HTTP status, a transport error."""

    @property
    def acknowledged(self) -> str | None:
        """The registration number the client was given, if any send was answered."""
        return self.receipts[0][0] if self.receipts else None


@dataclass
class Load:
    """What the clients sent and were told."""

    submissions: list[Submission]
    first_ms: list[float]
    """The latency of the first send of each submission."""
    retry_ms: list[float]
    """The latency of the second sends."""
    elapsed_s: float
    gateway_cpu_ms: float

    def by_seq(self) -> dict[int, Submission]:
        """The submissions by their sequence number."""
        return {submission.seq: submission for submission in self.submissions}


@dataclass(frozen=True)
class Workload:
    """What the clients send."""

    clients: int
    requests: int
    duration_s: float | None
    keyed_share: float
    retry_share: float
    seed: int
    run_id: str
    opds: tuple[str, ...]


async def _send(client: httpx.AsyncClient, body: dict[str, Any], submission: Submission) -> float:
    """POST one submission; record its receipt or what failed; return the latency in ms."""
    started = time.perf_counter()
    try:
        response = await client.post("/graphql", json={"query": SUBMIT, "variables": {"input": body}})
    except httpx.HTTPError as exc:
        submission.failures.append(f"{type(exc).__name__}: {exc}")
        return (time.perf_counter() - started) * 1000
    elapsed_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        submission.failures.append(f"HTTP {response.status_code}: {response.text[:300]}")
        return elapsed_ms
    answer = response.json()
    receipt = (answer.get("data") or {}).get("submitInformationRequest")
    if receipt is None:
        errors = answer.get("errors") or [{}]
        code = (errors[0].get("extensions") or {}).get("code")
        submission.failures.append(f"{code}: {str(errors[0].get('message'))[:300]}")
        return elapsed_ms
    submission.receipts.append((receipt["registrationNumber"], receipt["accessCode"]))
    return elapsed_ms


async def _client(
    index: int, url: str, *, work: Workload, tickets: Iterator[int], deadline: float, load: Load
) -> None:
    rng = random.Random(f"{work.seed}:{index}")
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)  # a second one only to race a retry
    async with httpx.AsyncClient(base_url=url, timeout=60.0, limits=limits, trust_env=False) as client:
        while time.monotonic() < deadline:
            seq = next(tickets)
            if seq >= work.requests:
                return
            keyed = rng.random() < work.keyed_share
            retry = None
            if keyed and rng.random() < work.retry_share:
                retry = "after" if rng.random() < 0.5 else "racing"
            submission = Submission(seq, keyed, retry)
            load.submissions.append(submission)
            key = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if keyed else None
            body = request_input(
                rng, marker=f"[bench {work.run_id} #{seq}]", opd=rng.choice(work.opds), idempotency_key=key
            )
            if retry == "racing":
                first, second = await asyncio.gather(
                    _send(client, body, submission), _send(client, body, submission)
                )
                load.first_ms.append(first)
                load.retry_ms.append(second)
                continue
            load.first_ms.append(await _send(client, body, submission))
            if retry == "after":
                load.retry_ms.append(await _send(client, body, submission))


async def run_load(url: str, work: Workload, gateway_pid: int) -> Load:
    """Run the clients against the gateway at ``url`` until the requests or the duration are used up."""
    load = Load([], [], [], 0.0, 0.0)
    tickets = itertools.count()
    deadline = time.monotonic() + (work.duration_s if work.duration_s is not None else float("inf"))
    cpu_before = process_cpu_ms(gateway_pid)
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _client(i, url, work=work, tickets=tickets, deadline=deadline, load=load)
            for i in range(work.clients)
        )
    )
    load.elapsed_s = time.perf_counter() - started
    load.gateway_cpu_ms = process_cpu_ms(gateway_pid) - cpu_before
    return load


# -- the audit


def engine_url(url: str) -> URL:
    """``url`` with the async driver the ledger uses (``postgresql://`` → ``postgresql+asyncpg://``)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed


async def ledger_rows(url: str) -> list[tuple[str, str]]:
    """``(registration_number, details)`` of every information request in the ledger."""
    engine = create_async_engine(engine_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                sa.select(requests.c.registration_number, requests.c.details).where(
                    requests.c.kind == RequestKind.INFORMATION
                )
            )
            return [(str(number), str(details or "")) for number, details in result]
    finally:
        await engine.dispose()


def audit(load: Load, rows: Sequence[tuple[str, str]], run_id: str) -> dict[str, Any]:
    """Compare what the clients were told with what the ledger holds (see the module's docstring)."""
    rows_of: dict[int, list[str]] = {}
    seq_of_number: dict[str, int] = {}
    foreign = 0
    for number, details in rows:
        match = _MARKER.search(details)
        if match is None or match.group(1) != run_id:
            foreign += 1
            continue
        seq = int(match.group(2))
        rows_of.setdefault(seq, []).append(number)
        seq_of_number[number] = seq
    acknowledged = [s for s in load.submissions if s.acknowledged is not None]
    lost = [s.seq for s in acknowledged if seq_of_number.get(s.acknowledged or "") != s.seq]
    duplicated = sum(len(numbers) - 1 for numbers in rows_of.values())
    sent = load.by_seq()
    unacknowledged = [seq for seq in rows_of if seq not in sent or not sent[seq].receipts]
    retried = [s for s in load.submissions if s.retry is not None]
    answered_differently = [s.seq for s in retried if len(set(s.receipts)) > 1]
    failures = Counter(failure.split(":", 1)[0] for s in load.submissions for failure in s.failures)
    return {
        "submissions": len(load.submissions),
        "acknowledged": len(acknowledged),
        "keyed": sum(1 for s in load.submissions if s.keyed),
        "retried": {
            "after": sum(1 for s in retried if s.retry == "after"),
            "racing": sum(1 for s in retried if s.retry == "racing"),
        },
        "retries_answered_twice": sum(1 for s in retried if len(s.receipts) == 2),
        "retries_answered_differently": len(answered_differently),
        "ledger_rows": sum(len(numbers) for numbers in rows_of.values()),
        "other_rows": foreign,
        "lost": len(lost),
        "lost_sample": lost[:10],
        "duplicated": duplicated,
        "unacknowledged": len(unacknowledged),
        "failed_sends": dict(failures),
        "failure_sample": [f for s in load.submissions for f in s.failures][:5],
    }


async def outbox_counts(url: str) -> dict[str, int]:
    """Outbox entries by status (``PENDING``, ``DELIVERED``, ``FAILED_PERMANENTLY``)."""
    engine = create_async_engine(engine_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                sa.select(outbox.c.status, sa.func.count()).group_by(outbox.c.status)
            )
            return {status.value: int(count) for status, count in result}
    finally:
        await engine.dispose()


async def wait_for_drain(url: str, timeout_s: float) -> tuple[dict[str, int], float, bool]:
    """Poll the outbox until nothing is pending or ``timeout_s`` passed: the counts, seconds, drained."""
    started = time.monotonic()
    while True:
        counts = await outbox_counts(url)
        waited = time.monotonic() - started
        if counts.get("PENDING", 0) == 0:
            return counts, waited, True
        if waited > timeout_s:
            return counts, waited, False
        await asyncio.sleep(0.25)  # polling the database, not waiting blindly


def delivery_worker_present() -> bool:
    """Whether this gateway has an outbox worker to measure (``gateway.delivery`` and its config)."""
    return (
        importlib.util.find_spec("gateway.delivery") is not None and "delivery" in GatewayConfig.model_fields
    )


def received_by_opds(fleet: Fleet) -> tuple[set[str], int]:
    """The distinct registration numbers the intake OPDs hold, and their deliveries (repeats included)."""
    numbers: set[str] = set()
    deliveries = 0
    for slug in sorted(fleet.intake):
        for request in fleet.received(slug):
            numbers.add(str(request["registration_number"]))
            deliveries += int(request["deliveries"])
    return numbers, deliveries


# -- the database


@contextmanager
def fresh_database(url: str | None, workdir: Path) -> Iterator[str]:
    """A database of this run's own: a SQLite file in ``workdir``, or a PostgreSQL database made now.

    A PostgreSQL URL names the database to create (through the server's
    ``postgres`` database) and to drop at the end, also on failure; one that
    already exists is refused, never reused or dropped.
    """
    if url is None:
        yield f"sqlite+aiosqlite:///{workdir / 'ledger.db'}"
        return
    parsed = engine_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and Path(parsed.database).exists():
            raise SystemExit(
                f"{parsed.database} exists: name a new SQLite file, the bench wants an empty ledger"
            )
        yield parsed.render_as_string(hide_password=False)
        return
    name = parsed.database or ""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise SystemExit("--database-url must end in a new database name of [a-z0-9_], e.g. /ppid_bench")
    admin = parsed.set(database="postgres")

    async def execute(statement: str) -> None:
        engine = create_async_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                await connection.execute(sa.text(statement))
        finally:
            await engine.dispose()

    try:
        asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    except sa.exc.ProgrammingError as exc:
        raise SystemExit(
            f"cannot create the database {name!r} (does it exist already?): {exc.orig}"
        ) from None
    try:
        yield parsed.render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def migrate(url: str) -> None:
    """Bring the fresh ledger to this release's schema, as ``ppid-gateway migrate`` would."""
    ledger = await Ledger.open(DatabaseConfig(url=url))
    try:
        await ledger.migrate()
    finally:
        await ledger.aclose()


# -- the run


def summarize(samples_ms: Sequence[float]) -> dict[str, float | int]:
    """p50, p95, p99, mean and max of ``samples_ms``."""
    if not samples_ms:
        return {"n": 0}
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive") if len(samples_ms) > 1 else None
    return {
        "p50_ms": round(statistics.median(samples_ms), 1),
        "p95_ms": round(cuts[94] if cuts else samples_ms[0], 1),
        "p99_ms": round(cuts[98] if cuts else samples_ms[0], 1),
        "mean_ms": round(statistics.fmean(samples_ms), 1),
        "max_ms": round(max(samples_ms), 1),
        "n": len(samples_ms),
    }


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_bench(
    *,
    clients: int,
    requests_total: int,
    duration_s: float | None,
    database_url: str | None,
    keyed_share: float = 0.5,
    retry_share: float = 0.2,
    drain_timeout_s: float = 120.0,
    simulator_processes: int = 2,
    seed: int = 7,
) -> dict[str, Any]:
    """Start the intake OPDs and a gateway on a fresh ledger, run the load, audit; the figures as a dict."""
    run_id = uuid.uuid4().hex[:12]
    opds = tuple(sorted(default_intake()))
    measure_deliveries = delivery_worker_present()
    with tempfile.TemporaryDirectory(prefix="ppid-bench-submissions-") as tmp:
        workdir = Path(tmp)
        with fresh_database(database_url, workdir) as url:
            backend = engine_url(url).get_backend_name()
            _progress(f"[{backend}] migrating a fresh ledger; starting {len(opds)} intake OPDs…")
            asyncio.run(migrate(url))
            with Fleet(opds, processes=simulator_processes, startup_timeout_s=120) as fleet:
                config = fleet.gateway_config(workdir / "catalogs", config_dir=workdir)
                config["database"] = {"url": url}
                config_path = workdir / "gateway.yaml"
                config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
                with GatewayProcess(config_path, env=fleet.environment(), start_timeout_s=120) as gateway:
                    at_start = process_memory_mb(gateway.pid)
                    work = Workload(
                        clients, requests_total, duration_s, keyed_share, retry_share, seed, run_id, opds
                    )
                    _progress(f"[{backend}] {clients} clients submitting…")
                    load = asyncio.run(run_load(gateway.url, work, gateway.pid))
                    memory = process_memory_mb(gateway.pid)
                    _progress(
                        f"[{backend}] {len(load.submissions)} submissions in {load.elapsed_s:.1f} s; "
                        "auditing the ledger…"
                    )
                    found = audit(load, asyncio.run(ledger_rows(url)), run_id)
                    deliveries: dict[str, Any] = {"measured": False}
                    if measure_deliveries:
                        _progress(
                            f"[{backend}] waiting up to {drain_timeout_s:.0f} s for the outbox to drain…"
                        )
                        counts, waited, drained = asyncio.run(wait_for_drain(url, drain_timeout_s))
                        received, delivered_calls = received_by_opds(fleet)
                        acknowledged = {s.acknowledged for s in load.submissions if s.acknowledged}
                        deliveries = {
                            "measured": True,
                            "drained": drained,
                            "drain_s": round(waited, 1),
                            "outbox": {
                                "delivered": counts.get("DELIVERED", 0),
                                "pending": counts.get("PENDING", 0),
                                "failed": counts.get("FAILED_PERMANENTLY", 0),
                            },
                            "received_distinct": len(received),
                            "expected": len(acknowledged),
                            "missing": len(acknowledged - received),
                            "unexpected": len(received - acknowledged),
                            "repeat_deliveries": delivered_calls - len(received),
                        }
                    warnings = [line for line in gateway.output().splitlines() if " WARNING " in line]
    acknowledged_count = found["acknowledged"]
    return {
        "benchmark": "submissions",
        "backend": backend,
        "clients": clients,
        "requests_asked": requests_total,
        "duration_s_asked": duration_s,
        "keyed_share": keyed_share,
        "retry_share": retry_share,
        "opds": list(opds),
        "simulator_processes": simulator_processes,
        "elapsed_s": round(load.elapsed_s, 2),
        "submissions_per_s": round(acknowledged_count / load.elapsed_s, 1) if load.elapsed_s else None,
        "latency_first_send": summarize(load.first_ms),
        "latency_retry": summarize(load.retry_ms),
        "gateway_cpu_ms_per_submission": (
            round(load.gateway_cpu_ms / acknowledged_count, 1) if acknowledged_count else None
        ),
        "gateway_memory_mb": {"at_start": at_start.get("current_mb"), **memory},
        "audit": found,
        "deliveries": deliveries,
        "gateway_warnings": len(warnings),
        "first_gateway_warnings": warnings[:5],
    }


def render(results: Sequence[dict[str, Any]], machine: dict[str, Any], code: dict[str, Any]) -> str:
    """The figures as text: one block per run, the machine and the code under them."""
    lines = []
    for run in results:
        first, found, deliveries = run["latency_first_send"], run["audit"], run["deliveries"]
        retried = found["retried"]
        lines += [
            f"{run['backend']}: {run['clients']} clients, {found['submissions']} submissions "
            f"({found['keyed']} with an idempotency key; retried {retried['after']} after the answer, "
            f"{retried['racing']} racing) in {run['elapsed_s']} s",
            f"  submissions/s {run['submissions_per_s']}   latency p50 {first.get('p50_ms')} ms  "
            f"p95 {first.get('p95_ms')} ms  p99 {first.get('p99_ms')} ms  (retries p50 "
            f"{run['latency_retry'].get('p50_ms', '-')} ms)",
            f"  gateway CPU {run['gateway_cpu_ms_per_submission']} ms/submission, RSS "
            f"{run['gateway_memory_mb'].get('at_start')} → {run['gateway_memory_mb'].get('current_mb')} MB "
            f"(peak {run['gateway_memory_mb'].get('peak_mb')} MB), warnings {run['gateway_warnings']}",
            f"  lost: {found['lost']} duplicated: {found['duplicated']} "
            f"unacknowledged: {found['unacknowledged']} "
            f"retries answered differently: {found['retries_answered_differently']} "
            f"failed sends: {sum(found['failed_sends'].values())}",
        ]
        if deliveries["measured"]:
            box = deliveries["outbox"]
            lines.append(
                f"  deliveries: delivered {box['delivered']} pending {box['pending']} failed {box['failed']}"
                f" ({'drained' if deliveries['drained'] else 'NOT drained'} in {deliveries['drain_s']} s); "
                f"OPDs received {deliveries['received_distinct']} distinct "
                f"of {deliveries['expected']} expected"
                f" (missing {deliveries['missing']}, unexpected {deliveries['unexpected']}, "
                f"repeat deliveries {deliveries['repeat_deliveries']})"
            )
        else:
            lines.append("  deliveries: not measured (this gateway has no outbox worker)")
        for sample in found["failure_sample"]:
            lines.append(f"  failed send: {sample}")
    lines += [
        f"machine: {machine_line(machine)}",
        f"code: commit {code['commit']}"
        + (f" with {len(code['changed_files'])} changed files" if code["changed_files"] else ""),
    ]
    return "\n".join(lines)


def clean(run: dict[str, Any]) -> bool:
    """Nothing lost, doubled, answered differently or left undelivered."""
    found, deliveries = run["audit"], run["deliveries"]
    ok = (
        found["lost"] == 0
        and found["duplicated"] == 0
        and found["unacknowledged"] == 0
        and found["retries_answered_differently"] == 0
        and found["acknowledged"] == found["submissions"]
    )
    if deliveries["measured"]:
        ok = ok and deliveries["drained"] and deliveries["missing"] == 0 and deliveries["unexpected"] == 0
    return bool(ok)


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("a share is between 0 and 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.submissions",
        description="Concurrent submitInformationRequest over HTTP, then an audit of the ledger: "
        "submissions/s, latency, lost and duplicated requests, deliveries to the OPDs.",
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default: 50)")
    parser.add_argument("--requests", type=int, default=1000, help="submissions in all (default: 1000)")
    parser.add_argument(
        "--duration", type=float, default=None, help="stop sending after this many seconds (default: none)"
    )
    parser.add_argument(
        "--database-url",
        action="append",
        default=None,
        help="a PostgreSQL URL naming a new database to create and drop, e.g. "
        "postgresql+asyncpg://postgres@127.0.0.1:5432/ppid_bench, or 'sqlite' for a temporary "
        "SQLite file (the default); repeat to run on several",
    )
    parser.add_argument("--keyed-share", type=_share, default=0.5, help="share with an idempotency key (0.5)")
    parser.add_argument(
        "--retry-share", type=_share, default=0.2, help="share of keyed submissions sent twice (0.2)"
    )
    parser.add_argument(
        "--drain-timeout", type=float, default=120.0, help="longest wait for the outbox to drain (120 s)"
    )
    parser.add_argument("--processes", type=int, default=2, help="simulator processes (default: 2)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the requesters and choices (default: 7)")
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help="write the results here (bench/results/submissions.json)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on each database; print the figures, write the JSON. 1 when an audit failed."""
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    for name in ("clients", "requests", "processes"):
        if getattr(args, name) < 1:
            raise SystemExit(f"--{name} must be 1 or more")
    machine = describe_machine()
    code = describe_code(Path(__file__).resolve().parent.parent)
    runs: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    for url in args.database_url or ["sqlite"]:
        try:
            runs.append(
                run_bench(
                    clients=args.clients,
                    requests_total=args.requests,
                    duration_s=args.duration,
                    database_url=None if url == "sqlite" else url,
                    keyed_share=args.keyed_share,
                    retry_share=args.retry_share,
                    drain_timeout_s=args.drain_timeout,
                    simulator_processes=args.processes,
                    seed=args.seed,
                )
            )
        except (FleetError, GatewayProcessError, httpx.HTTPError, sa.exc.SQLAlchemyError, OSError) as exc:
            # everything of this run is stopped and dropped already; the next database still runs
            where = "sqlite" if url == "sqlite" else engine_url(url).render_as_string(hide_password=True)
            failures.append({"database": where, "error": f"{type(exc).__name__}: {exc}"})
            _progress(f"[{where}] failed: {type(exc).__name__}: {exc}")
    print(render(runs, machine, code))
    for failure in failures:
        print(f"{failure['database']} FAILED: {failure['error']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    results = {
        "benchmark": "submissions",
        "machine": machine,
        "code": code,
        "runs": runs,
        "failures": failures,
    }
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {args.json}")
    return 0 if runs and not failures and all(clean(run) for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
