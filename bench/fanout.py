"""The fan-out benchmark: one ``documents`` query over every OPD, against the slowest OPD alone.

For each fleet size (by default the 43 real OPDs, then 100 and 500 with
generated ones), it starts the simulated fleet with a fixed latency on every
OPD answer and the gateway in a process of its own, then measures over one
keep-alive connection:

- p50, p95 and mean latency of ``documents(first: 20)`` over all OPDs;
- the p50 of the same query narrowed to one OPD, for every OPD (a sample
  on large fleets), and which OPD is slowest alone;
- the fan-out ratio: fleet p50 / slowest single-OPD p50 (DESIGN.md §10);
- the gateway's peak and current resident memory (``VmHWM``, ``VmRSS``).

::

    .venv/bin/python -m bench.fanout                     # 43, 100, 500 OPDs; a few minutes
    .venv/bin/python -m bench.fanout --sizes 43 --requests 50

Nothing here is a test and nothing asserts a timing. Every process it
starts is stopped, even when it fails; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/fanout.py``: find the project's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import yaml

from bench.machine import (
    describe_code,
    describe_machine,
    machine_line,
    open_files_limit,
    process_cpu_ms,
    process_memory_mb,
    raise_open_files,
)
from gateway.config import FederationConfig
from simulator.dialects.export import PAGE_SIZE as EXPORT_PAGE_SIZE
from simulator.directory import load_opds
from simulator.fleet import Fleet, FleetError
from simulator.gateway_process import GatewayProcess, GatewayProcessError
from simulator.plan import Dialect, make_plan

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "fanout.json"
FIELDS = "totalCount edges { node { id title opd { slug } category year } }"
TARGET_RATIO = 1.5
"""The issue's target for the fan-out ratio, uncached."""


def fleet_query(first: int) -> str:
    """The query over every OPD."""
    return f"{{ documents(first: {first}) {{ {FIELDS} }} }}"


def single_query(first: int, slug: str) -> str:
    """The same query narrowed to one OPD."""
    return f'{{ documents(first: {first}, filter: {{opds: ["{slug}"]}}) {{ {FIELDS} }} }}'


NO_CACHE: dict[str, Any] = {
    "ttl": {"profile": 0, "information_list": 0, "documents": 0, "statistics": 0},
    "stale_while_revalidate_s": 0,
    "stale_if_error_s": 0,
    "response_ttl_s": 0,
}
"""The gateway's caches off: the fan-out is measured uncached, every query going to every OPD."""


def federation_settings(opds: int) -> dict[str, Any]:
    """Generous limits, so that no call times out or waits for a slot: the bench measures the fan-out.

    Pool sizes are set under whichever name the config knows (a shared
    ``max_connections``, or ``max_connections_per_opd``), left at their
    default otherwise.
    """
    settings: dict[str, Any] = {
        "opd_timeout_s": 10,
        "deadline_s": 30,
        "concurrency": min(1024, max(32, opds)),
    }
    known = FederationConfig.model_fields
    if "max_connections" in known:
        settings["max_connections"] = min(10_000, max(256, 2 * opds))
    return {key: value for key, value in settings.items() if key in known}


# Defaults that keep the three default sizes within a few minutes on two cores.


def auto_processes(opds: int) -> int:
    """Simulator processes: one per 64 OPDs, at least 4 (like the demo) and at most 8 (on two cores)."""
    return min(8, max(4, math.ceil(opds / 64)))


def auto_requests(opds: int) -> int:
    """Timed fleet queries."""
    return 200 if opds <= 50 else 60 if opds <= 150 else 20


def auto_single_requests(opds: int) -> int:
    """Timed queries per OPD for the single-OPD baseline."""
    return 20 if opds <= 50 else 10


def auto_baseline_opds(opds: int) -> int:
    """How many OPDs the baseline measures: all of them up to 100, else a sample of 40."""
    return opds if opds <= 100 else 40


def baseline_sample(dialects: dict[str, Dialect], pages: dict[str, int], size: int, seed: int) -> list[str]:
    """The OPDs whose single-OPD p50 is measured when not all of them are.

    Alone, an OPD costs what its dialect costs: a ``laravel`` or ``drf``
    OPD one page whatever its size, a ``files`` OPD no call, an ``export``
    OPD one call per page of its whole list (nothing is pushed down). So
    the sample holds the quarter of ``size`` export OPDs with the most pages
    (the expected slowest), at least one OPD of every dialect, and the rest
    drawn with a fixed seed.
    """
    slugs = list(dialects)
    if size >= len(slugs):
        return slugs
    exports = sorted((s for s in slugs if dialects[s] is Dialect.EXPORT), key=lambda s: (-pages[s], s))
    chosen = exports[: max(1, size // 4)]
    rng = random.Random(seed)
    for dialect in Dialect:
        if not any(dialects[s] is dialect for s in chosen):
            candidates = [s for s in slugs if dialects[s] is dialect]
            if candidates:
                chosen.append(rng.choice(candidates))
    rest = [s for s in slugs if s not in chosen]
    chosen += rng.sample(rest, max(0, size - len(chosen)))
    return [s for s in slugs if s in chosen]  # directory order


def summarize(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50, p95, mean, min and max of ``samples_ms`` (milliseconds)."""
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive") if len(samples_ms) > 1 else None
    return {
        "p50_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(cuts[94] if cuts else samples_ms[0], 2),
        "mean_ms": round(statistics.fmean(samples_ms), 2),
        "min_ms": round(min(samples_ms), 2),
        "max_ms": round(max(samples_ms), 2),
        "n": len(samples_ms),
    }


class BenchError(RuntimeError):
    """The gateway answered something the benchmark cannot time as a success."""


@dataclass
class Client:
    """One keep-alive HTTP connection to the gateway's ``/graphql``, counting upstream failures."""

    http: httpx.Client
    url: str
    failures: Counter[str] = field(default_factory=Counter)
    """Upstream entries that were not ``OK``, by status (a clean run has none)."""
    errors: list[str] = field(default_factory=list)
    """The first few error messages of the answers."""

    def post(self, query: str, *, expect_opds: int) -> float:
        """Send ``query``; return its latency in ms. Raises when the answer is not a usable page."""
        started = time.perf_counter()
        response = self.http.post(self.url, json={"query": query})
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise BenchError(f"the gateway answered {response.status_code}: {response.text[:500]}")
        body = response.json()
        documents = (body.get("data") or {}).get("documents")
        if documents is None or not documents["edges"]:
            raise BenchError(f"no documents in the answer: {json.dumps(body)[:500]}")
        upstreams = body.get("extensions", {}).get("upstreams", [])
        if len(upstreams) != expect_opds:
            raise BenchError(f"the answer reports {len(upstreams)} OPDs, not {expect_opds}")
        self.failures.update(entry["status"] for entry in upstreams if entry["status"] != "OK")
        for error in body.get("errors") or ():
            if len(self.errors) < 5:
                self.errors.append(str(error.get("message"))[:300])
        return elapsed_ms


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _timed(count: int, call: Callable[[], float]) -> list[float]:
    return [call() for _ in range(count)]


@dataclass(frozen=True)
class Workload:
    """What is sent to the gateway for one fleet size."""

    requests: int
    """Timed queries over all OPDs."""
    single_requests: int
    """Timed queries per OPD measured alone."""
    warmup: int
    """Untimed queries over all OPDs first."""
    first: int
    """The page size asked."""


@dataclass
class Measured:
    """What :func:`measure` found."""

    fleet_ms: list[float]
    """Latency of each timed query over all OPDs."""
    single_ms: dict[str, list[float]]
    """Latencies of the timed queries of each OPD measured alone."""
    cpu_ms: dict[str, float]
    """CPU time per query over all OPDs, of the gateway and of all simulator processes together."""


def measure(
    client: Client, opds: int, measured: Sequence[str], work: Workload, cpu: Callable[[], dict[str, float]]
) -> Measured:
    """Latencies of the queries over all ``opds`` OPDs and of each ``measured`` OPD alone.

    ``cpu()`` reads the CPU time used so far by the gateway and the simulators.

    Each series starts right after untimed queries of its own, so that no
    timed query opens a connection, reads a catalog, or reuses a connection
    idle long enough for the simulator to be closing it (5 s in uvicorn).
    """
    everything = fleet_query(work.first)
    _progress(f"[{opds} OPDs] warming up ({work.warmup} queries)…")
    _timed(work.warmup, functools.partial(client.post, everything, expect_opds=opds))
    client.failures.clear()
    _progress(f"[{opds} OPDs] timing {work.requests} queries over all OPDs…")
    before = cpu()
    fleet_ms = _timed(work.requests, functools.partial(client.post, everything, expect_opds=opds))
    after = cpu()
    cpu_ms = {name: round((after[name] - before[name]) / work.requests, 1) for name in before}
    _progress(f"[{opds} OPDs] timing {work.single_requests} queries for each of {len(measured)} OPDs alone…")
    single_ms = {}
    for slug in measured:
        alone = functools.partial(client.post, single_query(work.first, slug), expect_opds=1)
        alone()
        single_ms[slug] = _timed(work.single_requests, alone)
    return Measured(fleet_ms, single_ms, cpu_ms)


def run_fleet(
    opds: int, *, latency_ms: float, processes: int, baseline_opds: int, work: Workload, seed: int
) -> dict[str, Any]:
    """Start a fleet of ``opds`` OPDs and a gateway, measure, stop both; the figures as a dict."""
    slugs = [opd.slug for opd in load_opds(opds)]
    plans = {plan.slug: plan for plan in make_plan(slugs)}
    dialects = {slug: plan.dialect for slug, plan in plans.items()}
    pages = {slug: math.ceil(len(plan.seed().documents) / EXPORT_PAGE_SIZE) for slug, plan in plans.items()}
    measured = baseline_sample(dialects, pages, baseline_opds, seed)
    federation = federation_settings(opds)
    with tempfile.TemporaryDirectory(prefix="ppid-bench-fanout-") as tmp:
        workdir = Path(tmp)
        began = time.perf_counter()
        _progress(f"[{opds} OPDs] starting the fleet in {processes} processes…")
        with Fleet(
            slugs, processes=processes, knobs={"*": {"latency_ms": latency_ms}}, startup_timeout_s=180
        ) as fleet:
            config = fleet.gateway_config(workdir / "catalogs", config_dir=workdir, federation=federation)
            config["cache"] = NO_CACHE
            config_path = workdir / "gateway.yaml"
            config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
            fleet_s = time.perf_counter() - began
            _progress(f"[{opds} OPDs] fleet up in {fleet_s:.1f} s; starting the gateway…")
            began = time.perf_counter()
            with GatewayProcess(config_path, env=fleet.environment(), start_timeout_s=180) as gateway:
                gateway_s = time.perf_counter() - began
                at_start = process_memory_mb(gateway.pid)
                limits = {
                    "bench": open_files_limit(),
                    "gateway": open_files_limit(gateway.pid),
                    "simulator": open_files_limit(fleet.pids[0]),
                }

                def cpu() -> dict[str, float]:
                    return {
                        "gateway": process_cpu_ms(gateway.pid),
                        "simulators": sum(process_cpu_ms(pid) for pid in fleet.pids),
                    }

                with httpx.Client(timeout=60.0, trust_env=False) as http:
                    client = Client(http, gateway.graphql_url)
                    found = measure(client, opds, measured, work, cpu)
                memory = process_memory_mb(gateway.pid)
                warnings = [line for line in gateway.output().splitlines() if " WARNING " in line]
    p50s = {slug: round(statistics.median(samples), 2) for slug, samples in found.single_ms.items()}
    single = {
        slug: {"dialect": dialects[slug].value, "p50_ms": p50, "documents": len(plans[slug].seed().documents)}
        for slug, p50 in p50s.items()
    }
    slowest = max(p50s, key=lambda slug: p50s[slug])
    fleet_summary = summarize(found.fleet_ms)
    return {
        "opds": opds,
        "processes": processes,
        "dialect_mix": {d.value: sum(1 for v in dialects.values() if v is d) for d in Dialect},
        "federation": federation,
        "open_files_limit": limits,
        "startup_s": {"fleet": round(fleet_s, 1), "gateway": round(gateway_s, 1)},
        "requests": work.requests,
        "fleet": fleet_summary,
        "cpu_ms_per_fleet_query": found.cpu_ms,
        "single": {
            "requests_per_opd": work.single_requests,
            "opds_measured": len(measured),
            "sampled": len(measured) < opds,
            "slowest": {"opd": slowest, **single[slowest]},
            "median_p50_ms_by_dialect": {
                dialect.value: round(statistics.median(values), 2)
                for dialect in Dialect
                if (values := [p50 for slug, p50 in p50s.items() if dialects[slug] is dialect])
            },
            "per_opd": single,
        },
        "ratio": round(fleet_summary["p50_ms"] / p50s[slowest], 3),
        "gateway_memory_mb": {"at_start": at_start.get("current_mb"), **memory},
        "failed_upstream_entries": dict(client.failures),
        "errors": client.errors,
        "gateway_warnings": len(warnings),
        "first_gateway_warnings": warnings[:5],
    }


def render_table(runs: Sequence[dict[str, Any]], machine: dict[str, Any], code: dict[str, Any]) -> str:
    """The figures as a text table, with the machine, the code and the settings under it."""
    head = (
        f"{'OPDs':>5} {'procs':>5} {'N':>4} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}  "
        f"{'slowest alone (dialect)':<28} {'p50 ms':>7} {'ratio':>6} {'RSS start':>9} {'peak RSS':>9} "
        f"{'gw CPU/q':>9}"
    )
    lines = [head, "-" * len(head)]
    for run in runs:
        fleet, slowest = run["fleet"], run["single"]["slowest"]
        memory = run["gateway_memory_mb"]
        who = f"{slowest['opd']} ({slowest['dialect']})" + (" *" if run["single"]["sampled"] else "")
        lines.append(
            f"{run['opds']:>5} {run['processes']:>5} {run['requests']:>4} {fleet['p50_ms']:>8.1f} "
            f"{fleet['p95_ms']:>8.1f} {fleet['mean_ms']:>8.1f}  {who:<28} {slowest['p50_ms']:>7.1f} "
            f"{run['ratio']:>6.2f} {memory['at_start']:>6.1f} MB {memory['peak_mb']:>6.1f} MB "
            f"{run['cpu_ms_per_fleet_query']['gateway']:>6.0f} ms"
        )
    lines.append("")
    for run in runs:
        single = run["single"]
        scope = (
            f"a sample of {single['opds_measured']} OPDs (the export OPDs with the most pages, "
            "one of each dialect, the rest drawn with a fixed seed)"
            if single["sampled"]
            else f"every OPD ({single['opds_measured']})"
        )
        lines.append(
            f"{run['opds']} OPDs: single-OPD baseline over {scope}, "
            f"{single['requests_per_opd']} queries each; "
            f"fleet up in {run['startup_s']['fleet']} s, gateway in {run['startup_s']['gateway']} s; "
            f"simulators' CPU per query over all OPDs {run['cpu_ms_per_fleet_query']['simulators']:.0f} ms; "
            f"current RSS at the end {run['gateway_memory_mb'].get('current_mb')} MB; "
            f"non-OK upstream entries {sum(run['failed_upstream_entries'].values())}, "
            f"gateway warnings {run['gateway_warnings']}; mix {run['dialect_mix']}; "
            "median single-OPD p50 by dialect "
            + ", ".join(f"{d} {ms:.1f} ms" for d, ms in single["median_p50_ms_by_dialect"].items())
        )
    if not runs:
        return f"no fleet size ran to the end.\nmachine: {machine_line(machine)}"
    federation = runs[-1]["federation"]
    lines += [
        "* sampled baseline. ratio = fleet p50 / slowest single-OPD p50 "
        f"(target <= {TARGET_RATIO}, no cache: every query goes upstream). "
        "gw CPU/q: the gateway's CPU time per query over all OPDs.",
        "federation: "
        + ", ".join(f"{key} {value}" for key, value in federation.items())
        + " (of the largest fleet; concurrency is at least the fleet size).",
        f"machine: {machine_line(machine)}",
        f"code: commit {code['commit']}"
        + (f" with {len(code['changed_files'])} changed files" if code["changed_files"] else "")
        + (
            " (it changed during the run: figures may mix versions)"
            if code.get("changed_during_the_run")
            else ""
        ),
    ]
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes wants numbers separated by commas, not {text!r}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("--sizes wants at least one fleet size, each 1 or more")
    return sizes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fanout",
        description="Fan-out latency and gateway memory as the fleet of simulated OPDs grows "
        "(DESIGN.md §10). Sizes past 43 add generated OPDs (opd-044, …).",
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=[43, 100, 500], help="fleet sizes (default: 43,100,500)"
    )
    parser.add_argument(
        "--latency-ms", type=float, default=20.0, help="simulated latency per OPD answer (default: 20)"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="timed queries over all OPDs (default: 200, 60, 20 by size)",
    )
    parser.add_argument(
        "--single-requests",
        type=int,
        default=None,
        help="timed queries per OPD for the single-OPD baseline (default: 20 up to 50 OPDs, else 10)",
    )
    parser.add_argument(
        "--baseline-opds",
        type=int,
        default=None,
        help="OPDs measured alone (default: all up to 100 OPDs, else a sample of 40)",
    )
    parser.add_argument(
        "--processes", type=int, default=None, help="simulator processes (default: 4, up to 8 for 500 OPDs)"
    )
    parser.add_argument(
        "--warmup", type=int, default=3, help="untimed queries over all OPDs first (default: 3)"
    )
    parser.add_argument("--first", type=int, default=20, help="page size asked (default: 20)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the baseline sample (default: 7)")
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help="write the results here (default: bench/results/fanout.json)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table, write the JSON. The exit code is 1 when a size failed."""
    args = _parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the context managers stop the fleet and the gateway.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    for name in ("requests", "single_requests", "processes", "baseline_opds"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise SystemExit(f"--{name.replace('_', '-')} must be 1 or more")
    if not 1 <= args.first <= 100:
        raise SystemExit("--first must be between 1 and 100 (the gateway's page size limit)")
    machine = describe_machine()
    root = Path(__file__).resolve().parent.parent
    code = describe_code(root)
    # Each OPD holds a listening socket in a simulator and a pooled connection
    # in the gateway: keep well clear of the open-files limit (children inherit it).
    raise_open_files(4 * max(args.sizes) + 4096)
    runs: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for opds in args.sizes:
        try:
            run = run_fleet(
                opds,
                latency_ms=args.latency_ms,
                processes=args.processes or auto_processes(opds),
                baseline_opds=args.baseline_opds or auto_baseline_opds(opds),
                work=Workload(
                    requests=args.requests or auto_requests(opds),
                    single_requests=args.single_requests or auto_single_requests(opds),
                    warmup=args.warmup,
                    first=args.first,
                ),
                seed=args.seed,
            )
        except (BenchError, FleetError, GatewayProcessError, httpx.HTTPError) as exc:
            # Everything of this size is stopped already; the other sizes still run.
            failures.append({"opds": opds, "error": f"{type(exc).__name__}: {exc}"})
            _progress(f"[{opds} OPDs] failed: {type(exc).__name__}: {exc}")
            continue
        runs.append(run)
        _progress(f"[{opds} OPDs] p50 {run['fleet']['p50_ms']} ms, ratio {run['ratio']}")
    if describe_code(root) != code:
        code["changed_during_the_run"] = True
    results = {
        "benchmark": "fanout",
        "query": fleet_query(args.first),
        "single_query": single_query(args.first, "<slug>"),
        "latency_ms": args.latency_ms,
        "target_ratio": TARGET_RATIO,
        "machine": machine,
        "code": code,
        "runs": runs,
        "failures": failures,
    }
    print(render_table(runs, machine, code))
    for failure in failures:
        print(f"{failure['opds']} OPDs FAILED: {failure['error']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {args.json}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
