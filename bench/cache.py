"""The cache benchmark: what a warm cache buys, what cold concurrent load costs the OPDs, and staleness.

Four figures (DESIGN.md §10, the cache issue's "done when"), each from real
processes on 127.0.0.1 — the simulated fleet (43 OPDs, 20 ms of latency on
every answer), ``ppid-gateway serve``, and for the baseline a bare Strawberry
``{ hello }`` app (:mod:`bench.hello_app`) under the same uvicorn settings:

1. **cached throughput**: requests/s of a warm ``documents(first: 20)`` over
   every OPD, divided by the requests/s of ``{ hello }``, both driven by the
   same load generator (:mod:`bench.loadgen`) with the same connections for
   the same time, one after the other in the same run;
2. **upstream economy**: the upstream calls 50 concurrent identical queries
   make on a cold gateway, divided by those one query alone makes (counted by
   the simulators): 1.0 means single-flight made each call once;
3. **memory**: the gateway's RSS after the first minute and at the end of a
   longer warm run (``--soak-minutes``) with a churn of distinct queries that
   keeps the in-memory cache full;
4. **stale serving**: after warm-up every OPD is stopped; once the cached
   answers expired, the portal's queries still answer, each OPD marked ``STALE``.

::

    .venv/bin/python -m bench.cache                       # about 3 minutes
    .venv/bin/python -m bench.cache --soak-minutes 10     # the memory figure, 10 more minutes
    .venv/bin/python -m bench.cache --cache-url redis://127.0.0.1:6379/0

Nothing here is a test and nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import yaml

from bench.fanout import FIELDS
from bench.loadgen import LoadResult, hammer, post_graphql
from bench.machine import describe_code, describe_machine, machine_line, process_memory_mb
from simulator.fleet import Fleet
from simulator.gateway_process import GatewayProcess

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "cache.json"
PORTAL_QUERY = f"{{ documents(first: 20) {{ {FIELDS} }} }}"
PROFILES_QUERY = "{ opds { slug profile { description updatedAt } } }"
TARGET_RATIO = 0.8
LATENCY_MS = 20.0
FEDERATION = {"opd_timeout_s": 10, "deadline_s": 30, "concurrency": 64}
# Short enough that the stale phase waits seconds, long enough to outlast the warm-up.
SHORT_TTL = {"profile": 4, "information_list": 4, "documents": 4, "statistics": 4}
SHORT_RESPONSE_TTL_S = 2


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_config(fleet: Fleet, workdir: Path, name: str, cache: dict[str, Any]) -> Path:
    directory = workdir / name
    directory.mkdir()
    config = fleet.gateway_config(directory / "catalogs", config_dir=directory, federation=FEDERATION)
    config["cache"] = cache
    config["delivery"] = {"enabled": False}
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def post(url: str, query: str) -> dict[str, Any]:
    answer = httpx.post(url, json={"query": query}, timeout=60)
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def upstream_calls(fleet: Fleet) -> int:
    """Every request the simulated OPDs received, bar the control API."""
    return sum(sum(counts.values()) for counts in fleet.stats().values())


@contextlib.contextmanager
def hello_app(log_level: str) -> Iterator[str]:
    """The bare Strawberry app under uvicorn, as ``serve`` runs the gateway (one worker, same log level)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.hello_app:app", "--port", "0", "--log-level", log_level],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "Uvicorn running on" in line:
                url = line.split("Uvicorn running on ", 1)[1].split()[0]
                break
        else:
            raise RuntimeError("the hello app did not start")
        # drain its log so that the pipe never blocks it
        _drain(process)
        yield f"{url}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _drain(process: subprocess.Popen[str]) -> None:
    def drain() -> None:
        assert process.stdout is not None
        for _ in process.stdout:
            pass

    threading.Thread(target=drain, daemon=True).start()


def load(url: str, query: str, connections: int, seconds: float) -> LoadResult:
    return asyncio.run(
        hammer(url, [post_graphql(url, query)], connections=connections, duration_s=seconds, check_body=True)
    )


def figures(result: LoadResult) -> dict[str, Any]:
    latencies = sorted(result.latencies_ms)
    return {
        "requests": result.requests,
        "seconds": round(result.seconds, 2),
        "per_second": round(result.per_second, 1),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2) if len(latencies) > 100 else None,
        "non_200": sum(n for status, n in result.statuses.items() if status != 200),
        "bodies_with_errors": result.bodies_with_errors,
        "connection_errors": dict(result.errors),
    }


def warm_load(gateway: GatewayProcess, connections: int, seconds: float, what: str) -> dict[str, Any]:
    for _ in range(3):
        body = post(gateway.graphql_url, PORTAL_QUERY)
        if body.get("errors"):
            raise RuntimeError(f"the warm-up answered errors: {json.dumps(body['errors'])[:500]}")
    _progress(f"  warm documents(first: 20), {what}: {connections} connections for {seconds:g} s…")
    return figures(load(gateway.graphql_url, PORTAL_QUERY, connections, seconds))


def throughput(
    gateway: GatewayProcess, upstream_only: GatewayProcess, connections: int, seconds: float
) -> dict[str, Any]:
    """Phase 1: the warm portal query against the bare hello app."""
    warm = warm_load(gateway, connections, seconds, "whole answers cached")
    engine = warm_load(upstream_only, connections, seconds, "OPD answers cached, each query executed")
    _progress(f"  bare {{ hello }}: {connections} connections for {seconds:g} s…")
    with hello_app("info") as hello_url:
        post(hello_url, "{ hello }")
        hello = figures(load(hello_url, "{ hello }", connections, seconds))
    return {
        "connections": connections,
        "warm_documents": warm,
        "warm_documents_executed": engine,
        "hello": hello,
        "ratio": round(warm["per_second"] / hello["per_second"], 3) if hello["per_second"] else None,
        "ratio_executed": round(engine["per_second"] / hello["per_second"], 3)
        if hello["per_second"]
        else None,
    }


def soak(gateway: GatewayProcess, connections: int, minutes: float, seed: int) -> dict[str, Any]:
    """Phase 3: a long warm run, nine queries in ten the portal's, one a distinct search, RSS sampled."""
    rng = random.Random(seed)
    words = [
        "anggaran",
        "laporan",
        "kesehatan",
        "jalan",
        "sekolah",
        "pajak",
        "air",
        "data",
        "rencana",
        "izin",
    ]
    url = gateway.graphql_url
    hot = post_graphql(url, PORTAL_QUERY)

    def request(n: int) -> bytes:
        if n % 10:
            return hot
        query = f'{{ documents(first: 10, filter: {{query: "{rng.choice(words)} {n}"}}) {{ totalCount }} }}'
        return post_graphql(url, query)

    samples: list[tuple[float, float]] = []

    async def run() -> LoadResult:
        started = time.monotonic()

        async def sample() -> None:
            while True:
                await asyncio.sleep(5)
                memory = process_memory_mb(gateway.pid)
                samples.append((round(time.monotonic() - started, 1), memory.get("current_mb", float("nan"))))

        sampler = asyncio.create_task(sample())
        try:
            return await hammer(url, request, connections=connections, duration_s=minutes * 60)
        finally:
            sampler.cancel()

    _progress(f"  soak: {minutes:g} minutes, {connections} connections, 1 query in 10 distinct…")
    result = asyncio.run(run())
    after_first_minute = next((mb for at, mb in samples if at >= 60), None)
    at_end = samples[-1][1] if samples else None
    growth = None
    if after_first_minute and at_end:
        growth = round((at_end - after_first_minute) / after_first_minute * 100, 1)
    return {
        "minutes": minutes,
        "load": figures(result),
        "rss_after_first_minute_mb": after_first_minute,
        "rss_at_end_mb": at_end,
        "growth_percent": growth,
        "rss_samples": samples,
    }


async def _concurrent(url: str, query: str, clients: int) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=clients)) as client:

        async def one() -> dict[str, Any]:
            body: dict[str, Any] = (await client.post(url, json={"query": query})).json()
            return body

        return list(await asyncio.gather(*(one() for _ in range(clients))))


def economy(fleet: Fleet, config: Path, clients: int) -> dict[str, Any]:
    """Phase 2: upstream calls of ``clients`` concurrent identical cold queries against one alone."""
    with GatewayProcess(config, env=fleet.environment()) as gateway:
        fleet.reset_stats()
        post(gateway.graphql_url, PORTAL_QUERY)
        alone = upstream_calls(fleet)
    with GatewayProcess(config, env=fleet.environment()) as gateway:
        fleet.reset_stats()
        answers = asyncio.run(_concurrent(gateway.graphql_url, PORTAL_QUERY, clients))
        together = upstream_calls(fleet)
        per_opd = {slug: sum(counts.values()) for slug, counts in fleet.stats().items()}
    return {
        "clients": clients,
        "calls_one_query": alone,
        "calls_concurrent": together,
        "calls_per_client_query": round(together / clients, 3),
        "ratio_to_one_query": round(together / alone, 3) if alone else None,
        "max_calls_one_opd": max(per_opd.values()) if per_opd else 0,
        "answers_with_errors": sum(1 for answer in answers if answer.get("errors")),
    }


def staleness(fleet: Fleet, config: Path, rounds: int) -> dict[str, Any]:
    """Phase 4: warm up, stop every OPD, let the cache expire, and ask the portal's queries again."""
    with GatewayProcess(config, env=fleet.environment()) as gateway:
        for query in (PORTAL_QUERY, PROFILES_QUERY):
            warm = post(gateway.graphql_url, query)
            if warm.get("errors"):
                raise RuntimeError(f"the warm-up answered errors: {json.dumps(warm['errors'])[:500]}")
        slugs = list(fleet.stats())
        for slug in slugs:
            fleet.set_knobs(slug, down=True)
        try:
            time.sleep(max(SHORT_TTL.values()) + SHORT_RESPONSE_TTL_S + 1)  # let every entry expire
            answered = 0
            statuses: dict[str, int] = {}
            for _ in range(rounds):
                for query in (PORTAL_QUERY, PROFILES_QUERY):
                    body = post(gateway.graphql_url, query)
                    data = body.get("data") or {}
                    has_data = bool((data.get("documents") or {}).get("edges") or data.get("opds"))
                    if has_data and not body.get("errors"):
                        answered += 1
                    for entry in body.get("extensions", {}).get("upstreams", []):
                        statuses[entry["status"]] = statuses.get(entry["status"], 0) + 1
        finally:
            fleet.reset_knobs()
    return {"queries": rounds * 2, "answered_without_errors": answered, "upstream_statuses": statuses}


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"cache_url": args.cache_url}
    with tempfile.TemporaryDirectory(prefix="ppid-bench-cache-") as tmp:
        workdir = Path(tmp)
        _progress("starting the 43 simulated OPDs…")
        with Fleet(processes=3, knobs={"*": {"latency_ms": LATENCY_MS}}) as fleet:
            default = write_config(fleet, workdir, "default", {"url": args.cache_url})
            short = write_config(
                fleet,
                workdir,
                "short",
                {
                    "url": args.cache_url,
                    "ttl": SHORT_TTL,
                    "response_ttl_s": SHORT_RESPONSE_TTL_S,
                    # past its ttl an answer is fetched again, so a failure shows as STALE at once
                    "stale_while_revalidate_s": 0,
                },
            )
            upstream_only = write_config(
                fleet, workdir, "upstream-only", {"url": args.cache_url, "response_ttl_s": 0}
            )
            _progress("phase 1: cached throughput")
            with (
                GatewayProcess(default, env=fleet.environment()) as gateway,
                GatewayProcess(upstream_only, env=fleet.environment()) as executing,
            ):
                results["throughput"] = throughput(gateway, executing, args.connections, args.seconds)
                results["gateway_rss_mb"] = process_memory_mb(gateway.pid)
                if args.soak_minutes:
                    _progress("phase 3: memory under a long warm run")
                    results["soak"] = soak(gateway, args.connections, args.soak_minutes, args.seed)
            _progress("phase 2: upstream calls under concurrent cold queries")
            results["economy"] = economy(fleet, short, args.clients)
            _progress("phase 4: every OPD stopped")
            results["staleness"] = staleness(fleet, short, args.stale_rounds)
    return results


def render(results: dict[str, Any], machine: dict[str, Any], code: dict[str, Any]) -> str:
    t = results["throughput"]
    x = t["warm_documents_executed"]
    e = results["economy"]
    s = results["staleness"]
    lines = [
        f"cache: {results['cache_url']}",
        f"cached throughput ({t['connections']} connections): warm documents(first: 20) "
        f"{t['warm_documents']['per_second']} req/s (p50 {t['warm_documents']['p50_ms']} ms), "
        f"bare {{ hello }} {t['hello']['per_second']} req/s (p50 {t['hello']['p50_ms']} ms): "
        f"ratio {t['ratio']} (target >= {TARGET_RATIO})",
        f"  non-200 {t['warm_documents']['non_200']}, answers with errors "
        f"{t['warm_documents']['bodies_with_errors']}",
        f"  without the whole-answer cache (each query executed, OPD answers cached): "
        f"{x['per_second']} req/s (p50 {x['p50_ms']} ms): "
        f"ratio {t['ratio_executed']}; answers with errors {x['bodies_with_errors']}",
        f"upstream economy ({e['clients']} concurrent identical cold queries): {e['calls_concurrent']} "
        f"upstream calls against {e['calls_one_query']} for one query alone: ratio {e['ratio_to_one_query']} "
        f"({e['calls_per_client_query']} per client query; answers with errors {e['answers_with_errors']})",
        f"stale serving, every OPD stopped: {s['answered_without_errors']} of {s['queries']} queries "
        f"answered with data and no error; upstream statuses {s['upstream_statuses']}",
    ]
    if "soak" in results:
        k = results["soak"]
        lines.append(
            f"memory over {k['minutes']:g} minutes of warm load: RSS {k['rss_after_first_minute_mb']} MB "
            f"after the first minute, {k['rss_at_end_mb']} MB at the end ({k['growth_percent']} %); "
            f"{k['load']['per_second']} req/s"
        )
    lines.append(f"machine: {machine_line(machine)}")
    changed = " (with local changes)" if code.get("changed_files") else ""
    lines.append(f"code: commit {code.get('commit')}{changed}")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.cache", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cache-url", default="memory://", help="memory:// (default) or redis://host:port/db"
    )
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections of the load")
    parser.add_argument("--seconds", type=float, default=20, help="length of each throughput run")
    parser.add_argument("--clients", type=int, default=50, help="concurrent identical cold queries")
    parser.add_argument("--soak-minutes", type=float, default=0, help="the memory run; 0 skips it")
    parser.add_argument("--stale-rounds", type=int, default=10, help="portal queries with every OPD down")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write every figure")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    machine = describe_machine()
    code = describe_code(Path(__file__).resolve().parent.parent)
    results = run(args)
    print(render(results, machine, code))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": machine, "code": code, **results}, indent=2) + "\n")
    print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
