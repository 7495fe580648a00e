"""``ppid-gateway check``: validate a config and probe every OPD it names."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors import Capability, Connector, ConnectorError

from .config import ConfigError, GatewayConfig, load_config
from .federation import Federation
from .upstream_http import UpstreamClients

EXIT_OK = 0
EXIT_UNREACHABLE = 1
EXIT_INVALID_CONFIG = 2


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """How one OPD answered the probe."""

    slug: str
    connector: str
    capabilities: str
    ok: bool
    latency_ms: float
    error: str | None


def run_check(path: Path, console: Console) -> int:
    """Validate ``path``, probe every OPD, print a table; the exit code says how it went."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        console.print(f"[bold red]Invalid config[/]: {len(exc.problems)} problem(s)")
        for problem in exc.problems:
            key = f"[cyan]{problem.key}[/]: " if problem.key else ""
            console.print(f"  {exc.source}: {key}{problem.message}", highlight=False)
        return EXIT_INVALID_CONFIG
    console.print(f"[green]Config valid[/]: {path} — {len(config.opds)} OPDs")
    results = asyncio.run(_probe_all(config, console))
    table = Table(title="Upstream probe", show_lines=False)
    for column in ("OPD", "connector", "capabilities", "status", "latency", "error"):
        table.add_column(column, overflow="fold")
    for result in results:
        table.add_row(
            result.slug,
            result.connector,
            result.capabilities,
            "[green]OK[/]" if result.ok else "[red]FAIL[/]",
            f"{result.latency_ms:.0f} ms",
            result.error or "",
        )
    console.print(table)
    failed = [r for r in results if not r.ok]
    if failed:
        names = ", ".join(r.slug for r in failed)
        console.print(f"[yellow]{len(failed)} of {len(results)} OPDs did not answer[/]: {names}")
        return EXIT_UNREACHABLE
    console.print(f"[green]All {len(results)} OPDs answered.[/]")
    return EXIT_OK


async def _probe_all(config: GatewayConfig, console: Console) -> list[ProbeResult]:
    async with UpstreamClients(config.federation) as clients:
        federation = Federation(config, clients.for_opd)
        try:
            limit = asyncio.Semaphore(config.federation.concurrency)
            with Progress(
                TextColumn("probing OPDs"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as progress:
                task = progress.add_task("probe", total=len(federation.opds()))

                async def probe(slug: str) -> ProbeResult:
                    async with limit:
                        result = await _probe_one(
                            slug, federation.connector(slug), config.federation.opd_timeout_s
                        )
                    progress.advance(task)
                    return result

                return list(await asyncio.gather(*(probe(opd.slug) for opd in federation.opds())))
        finally:
            await federation.aclose()


async def _probe_one(slug: str, connector: Connector | None, timeout_s: float) -> ProbeResult:
    if connector is None:
        return ProbeResult(slug, "-", "", False, 0.0, "no connector was built for this OPD")
    capabilities = ", ".join(sorted(c.value for c in connector.capabilities if isinstance(c, Capability)))
    started = time.perf_counter()
    error: str | None = None
    try:
        async with asyncio.timeout(timeout_s):
            await connector.probe()
    except TimeoutError:
        error = f"no answer within {timeout_s:g} s (federation.opd_timeout_s)"
    except ConnectorError as exc:
        error = f"{exc.code}: {exc}"
    except Exception as exc:  # a connector bug must not stop the whole check
        error = f"connector raised {type(exc).__name__}: {exc}"
    latency = (time.perf_counter() - started) * 1000
    return ProbeResult(slug, connector.kind, capabilities, error is None, latency, error)
