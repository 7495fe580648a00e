"""``ppid-gateway check``: validate a config and probe every OPD it names."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors import (
    Capability,
    Connector,
    ConnectorConfigError,
    ConnectorError,
)
from connectors.sql.settings import SqlSettings

from .config import ConfigError, GatewayConfig, OpdConfig, load_config
from .federation.directory import build_connectors, today_in_banten
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
    skipped: bool = False
    """Not probed on purpose (an OPD outside its ``active_from``/``active_to``): neither OK nor a failure."""


def run_check(path: Path, console: Console) -> int:
    """Validate ``path``, probe every OPD, print a table; the exit code says how it went."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        console.print(f"[bold red]Invalid config[/]: {len(exc.problems)} problem(s)")
        for problem in exc.problems:
            key = f"[cyan]{escape(problem.key)}[/]: " if problem.key else ""
            opd = f" [dim](OPD {escape(problem.opd)})[/]" if problem.opd else ""
            line = f"  {escape(exc.source)}: {key}{escape(problem.message)}{opd}"
            console.print(line, highlight=False, soft_wrap=True)  # one line per problem, for grep
        return EXIT_INVALID_CONFIG
    console.print(f"[green]Config valid[/]: {path} — {_opds(len(config.opds))}")
    console.print(connector_kinds_line(), highlight=False, markup=False)
    results = asyncio.run(_probe_all(config, console))
    table = Table(title="Upstream probe", show_lines=False)
    for column in ("OPD", "connector", "capabilities", "status", "latency", "error"):
        table.add_column(column, overflow="fold")
    for result in results:
        status = "[dim]SKIP[/]" if result.skipped else "[green]OK[/]" if result.ok else "[red]FAIL[/]"
        table.add_row(
            escape(result.slug),
            escape(result.connector),
            result.capabilities,
            status,
            "" if result.skipped else f"{result.latency_ms:.0f} ms",
            escape(result.error or ""),
        )
    console.print(table)
    probed = [r for r in results if not r.skipped]
    failed = [r for r in probed if not r.ok]
    if failed:
        names = ", ".join(r.slug for r in failed)
        console.print(f"[yellow]{len(failed)} of {_opds(len(probed))} did not answer[/]: {names}")
        return EXIT_UNREACHABLE
    skipped = len(results) - len(probed)
    answered = f"All {_opds(len(probed))} answered." if len(probed) > 1 else "The OPD answered."
    console.print(f"[green]{answered}[/]" + (f" ({skipped} inactive)" if skipped else ""))
    return EXIT_OK


def _opds(count: int) -> str:
    return f"{count} OPD" if count == 1 else f"{count} OPDs"


async def _probe_all(config: GatewayConfig, console: Console) -> list[ProbeResult]:
    today = today_in_banten()
    async with UpstreamClients(config.federation) as clients:
        built: dict[str, Connector | ProbeResult] = {}
        for opd in config.opds:
            built[opd.slug] = _build(opd, clients, today)
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
                task = progress.add_task("probe", total=len(built))

                async def probe(slug: str, connector: Connector | ProbeResult) -> ProbeResult:
                    if isinstance(connector, ProbeResult):
                        result = connector
                    else:
                        async with limit:
                            result = await _probe_one(slug, connector, config.federation.opd_timeout_s)
                    progress.advance(task)
                    return result

                return list(await asyncio.gather(*(probe(slug, c) for slug, c in built.items())))
        finally:
            connectors = [c for c in built.values() if isinstance(c, Connector)]
            await asyncio.gather(*(c.aclose() for c in connectors), return_exceptions=True)


def _build(opd: OpdConfig, clients: UpstreamClients, today: dt.date) -> Connector | ProbeResult:
    """The OPD's connector, or the result that says why there is none to probe."""
    kind = opd.resolved_connector.kind
    if not opd.is_active(today):
        span = f"active {opd.active_from or '…'} to {opd.active_to or '…'}"
        return ProbeResult(
            opd.slug, kind, "", False, 0.0, f"not probed: inactive today ({span})", skipped=True
        )
    try:
        [connector] = build_connectors([opd], clients.for_opd, None, today).values()
    except ConnectorConfigError as exc:
        where = f" (connector.{exc.key})" if exc.key else ""
        return ProbeResult(opd.slug, kind, "", False, 0.0, f"{exc.code}: {exc}{where}")
    except Exception as exc:  # a connector bug must not stop the whole check
        return ProbeResult(
            opd.slug, kind, "", False, 0.0, f"connector could not be built: {type(exc).__name__}: {exc}"
        )
    return connector


async def _probe_one(slug: str, connector: Connector | None, timeout_s: float) -> ProbeResult:
    if connector is None:
        return ProbeResult(slug, "-", "", False, 0.0, "no connector was built for this OPD")
    started = time.perf_counter()
    error: str | None = None
    try:
        async with asyncio.timeout(timeout_s):
            await connector.probe()
    except TimeoutError:
        error = f"no answer within {timeout_s:g} s (federation.opd_timeout_s)"
    except ConnectorError as exc:
        error = f"{exc.code}: {exc}{_fix_hint(connector)}"
    except Exception as exc:  # a connector bug must not stop the whole check
        error = f"connector raised {type(exc).__name__}: {exc}"
    latency = (time.perf_counter() - started) * 1000
    # After the probe: a connector may narrow its capabilities to what the OPD answered (graphql).
    capabilities = ", ".join(sorted(c.value for c in connector.capabilities if isinstance(c, Capability)))
    return ProbeResult(slug, connector.kind, capabilities, error is None, latency, error)


def _fix_hint(connector: Connector) -> str:
    """What to do about a failed probe, when the settings tell it: a SQLite file that is not there."""
    settings = connector.settings
    if isinstance(settings, SqlSettings) and settings.sqlite_path and not settings.sqlite_path.is_file():
        return (
            ". Fix connector.sqlite_path (relative to the config file) or put the database file there; "
            "for a server database use url_env instead"
        )
    return ""


def connector_kinds_line() -> str:
    """``Connector kinds: ckan, files, ..., sipd (ppid-connector-sipd 0.1.0)``: every kind config may use.

    A kind provided by a package other than the gateway names that package and its
    version, so that after ``pip install`` of a connector package (``ppid-gateway
    new-connector``) the check shows that the gateway found it, and which version.
    """
    # Imported here to keep this addition self-contained; check's start-up time is not at stake.
    from importlib.metadata import entry_points

    from connectors import ENTRY_POINT_GROUP, available_kinds

    packages: dict[str, str] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist
        if dist is not None and dist.name.replace("_", "-").lower() != "ppid-gateway":
            packages[entry.name] = f"{dist.name} {dist.version}"
    kinds = [f"{kind} ({packages[kind]})" if kind in packages else kind for kind in available_kinds()]
    return f"Connector kinds: {', '.join(kinds)}"
