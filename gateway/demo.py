"""``ppid-gateway demo``: the simulated Banten fleet and the gateway, on this machine.

The OPD portals run as real HTTP servers in processes of their own (the
``simulator`` package); the gateway runs in this process on the embedded
defaults. Ctrl-C stops the gateway, then every simulator process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import yaml
from rich.console import Console

from simulator.directory import load_opds
from simulator.fleet import Fleet

from .app import StartupError, create_app
from .config import ConfigError, load_config
from .identity.crypto import generate_master_key

KEY_FILE = "personal-data.key"
"""The demo's personal-data key, in its data dir: made once (mode 0600), reused afterwards."""

FAULT_KNOBS: dict[str, dict[str, Any]] = {
    "down": {"down": True},
    "hang": {"hang": True},
    "slow": {"slow": True},
    "error": {"error_rate": 1.0},
    "garbage": {"garbage": True},
}
"""What each ``--fault`` does to the simulated OPD."""

SUMMARY_QUERY = "{ documents(first: 1) { totalCount } }"


@dataclass(frozen=True)
class DemoOptions:
    """What ``ppid-gateway demo`` was asked for."""

    host: str = "127.0.0.1"
    port: int = 8000
    opd_count: int | None = None
    faults: dict[str, str] = field(default_factory=dict)
    latency_ms: float = 20.0
    processes: int = 4
    data_dir: Path | None = None


def run_demo(options: DemoOptions, console: Console) -> int:
    """Run the demo until Ctrl-C; the exit code is 0 on a clean stop."""
    slugs = [opd.slug for opd in load_opds()]
    if options.opd_count is not None:
        if not 1 <= options.opd_count <= len(slugs):
            console.print(f"[red]--opds must be between 1 and {len(slugs)}[/]")
            return 2
        slugs = slugs[: options.opd_count]
    unknown = sorted(set(options.faults) - set(slugs))
    if unknown:
        console.print(f"[red]--fault names OPDs that are not simulated: {', '.join(unknown)}[/]")
        console.print(f"Simulated OPDs: {', '.join(slugs)}", highlight=False)
        return 2
    data_dir = options.data_dir or Path(tempfile.mkdtemp(prefix="ppid-gateway-demo-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    knobs = {
        slug: {"latency_ms": options.latency_ms, **FAULT_KNOBS.get(options.faults.get(slug, ""), {})}
        for slug in slugs
    }

    console.print(f"Starting {len(slugs)} simulated OPD portals in {options.processes} processes…")
    with Fleet(slugs, knobs=knobs, processes=options.processes) as fleet:
        config_path = data_dir / "demo.yaml"
        rendered = fleet.gateway_config(data_dir / "catalogs", config_dir=data_dir)
        config_path.write_text(
            yaml.safe_dump(rendered, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        for name, value in fleet.environment().items():
            os.environ.setdefault(name, value)
        try:
            config = load_config(config_path)
        except ConfigError as exc:  # a bug in the simulator's rendering, not a user mistake
            console.print(f"[red]The demo's generated config is invalid:[/]\n{exc.render()}", highlight=False)
            return 1
        # always the data dir's own key: its ledger was encrypted with it
        os.environ[config.personal_data.key_env] = demo_personal_data_key(data_dir)
        try:
            app = create_app(config, migrate=True)
        except StartupError as exc:
            console.print(f"[red]Cannot start the gateway:[/] {exc}", highlight=False)
            return 1
        server = uvicorn.Server(
            uvicorn.Config(app, host=options.host, port=options.port, log_level="warning")
        )
        # uvicorn re-raises the Ctrl-C it handled; the fleet still has to be stopped.
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(server, console, config_path, len(slugs), options.faults))
    console.print("Stopped the gateway and every simulated OPD.")
    return 0


def demo_personal_data_key(data_dir: Path) -> str:
    """The demo's personal-data key from ``data_dir``, made there (readable by the owner only) if absent."""
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = generate_master_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


async def _serve(
    server: uvicorn.Server, console: Console, config_path: Path, opd_count: int, faults: dict[str, str]
) -> None:
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            await serving  # startup failed (port taken...): let uvicorn's error surface
            return
        await asyncio.sleep(0.05)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    url = f"http://{host}:{port}/graphql"
    async with httpx.AsyncClient(timeout=30) as client:
        answer = (await client.post(url, json={"query": SUMMARY_QUERY})).json()
    total = (answer.get("data") or {}).get("documents", {}).get("totalCount", 0)
    upstreams = answer.get("extensions", {}).get("upstreams", [])
    up = sum(1 for entry in upstreams if entry["status"] in ("OK", "CACHED", "STALE"))
    console.print(f"\n[bold]ppid-gateway demo[/] — GraphiQL: [link={url}]{url}[/]", soft_wrap=True)
    console.print(
        f"{up} of {opd_count} OPDs up, {total} documents available; config: {config_path}", soft_wrap=True
    )
    if faults:
        console.print("Misbehaving on purpose: " + ", ".join(f"{s}={f}" for s, f in sorted(faults.items())))
    console.print("Press Ctrl-C to stop.")
    await serving
