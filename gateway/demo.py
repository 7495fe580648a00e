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

from simulator.directory import REGENCY_NAME, load_opds, regency_opds
from simulator.fleet import Fleet

from .app import StartupError, create_app
from .config import ConfigError, load_config
from .identity.crypto import generate_master_key
from .kip.roles import OfficerRole
from .officers import key_sha256, new_officer_key

KEY_FILE = "personal-data.key"
"""The demo's personal-data key, in its data dir: made once (mode 0600), reused afterwards."""
OFFICER_KEYS_FILE = "officer-keys.yaml"
"""The demo officers' keys, in its data dir (mode 0600): each made once, reused while the officer exists."""
DEMO_OFFICER_OPDS = ("dinkes", "dindikbud")
"""The OPDs that get a PPID and an atasan PPID in the demo, when simulated (else the first others)."""

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

    console.print(
        f"Starting {len(slugs)} simulated OPD portals in {options.processes} processes, "
        f"and {REGENCY_NAME}'s own gateway over {len(regency_opds())} more…"
    )
    with Fleet(slugs, knobs=knobs, processes=options.processes, regency=True) as fleet:
        config_path = data_dir / "demo.yaml"
        rendered = fleet.gateway_config(data_dir / "catalogs", config_dir=data_dir)
        officers = demo_officers(data_dir, [opd["slug"] for opd in rendered["opds"]], rendered["ppid_utama"])
        rendered["officers"] = [officer.config_entry() for officer in officers]
        config_path.write_text(
            yaml.safe_dump(rendered, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        for name, value in fleet.environment().items():
            os.environ[name] = value  # the running fleet's own values, never a stale export
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
            asyncio.run(
                _serve(server, console, config_path, len(fleet.opds), options.faults, officers=officers)
            )
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


@dataclass(frozen=True)
class DemoOfficer:
    """An officer of the demo, with the key that signs them in (the demo's only: never a real one)."""

    id: str
    name: str
    role: OfficerRole
    opd: str | None
    key: str = field(repr=False)

    def config_entry(self) -> dict[str, Any]:
        """The officer's entry in the generated config: the key's SHA-256, never the key."""
        entry: dict[str, Any] = {"id": self.id, "name": self.name, "role": self.role.value}
        if self.opd is not None:
            entry["opd"] = self.opd
        entry["key_sha256"] = key_sha256(self.key)
        return entry


def demo_officers(data_dir: Path, slugs: list[str], ppid_utama: str) -> list[DemoOfficer]:
    """A PPID and an atasan PPID for two simulated OPDs, and PPID Utama, with keys kept in ``data_dir``.

    The keys are in :data:`OFFICER_KEYS_FILE` (readable by the owner only), so
    that a client keeps working across runs with the same ``--data-dir``; an
    officer new to this run (another ``--opds``) gets a new key there.
    """
    others = [slug for slug in slugs if slug != ppid_utama]
    chosen = [slug for slug in DEMO_OFFICER_OPDS if slug in others]
    chosen += [slug for slug in others if slug not in chosen][: max(0, 2 - len(chosen))]
    wanted: list[tuple[str, str, OfficerRole, str | None]] = []
    for slug in chosen:
        wanted.append((f"{slug}-ppid", f"PPID Pembantu {slug} (demo)", OfficerRole.PPID, slug))
        wanted.append((f"{slug}-atasan", f"Atasan PPID {slug} (demo)", OfficerRole.ATASAN, slug))
    wanted.append(("ppid-utama", "PPID Utama (demo)", OfficerRole.PPID_UTAMA, None))
    path = data_dir / OFFICER_KEYS_FILE
    known: dict[str, str] = {}
    if path.exists():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            known = {str(name): str(key) for name, key in loaded.items()}
    officers = [
        DemoOfficer(officer_id, name, role, opd, known.get(officer_id) or new_officer_key())
        for officer_id, name, role, opd in wanted
    ]
    _write_private(path, yaml.safe_dump({officer.id: officer.key for officer in officers}, sort_keys=False))
    return officers


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only, replacing it whole."""
    partial = path.with_name(path.name + ".new")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(partial, path)


def _print_officers(console: Console, officers: list[DemoOfficer], keys_file: Path) -> None:
    # one line each, never a table: a key cut to the terminal's width would be useless
    console.print(
        "\nOfficer keys (this demo's only; kept in " + str(keys_file) + "):", highlight=False, soft_wrap=True
    )
    for officer in officers:
        where = officer.opd or "every OPD"
        console.print(
            f"  {officer.id} ({officer.role.value}, {where}): {officer.key}", highlight=False, soft_wrap=True
        )
    console.print(
        'Sign in as one in GraphiQL with the header {"Authorization": "Bearer <key>"}, then try '
        "`{ me { id role } inbox { totalCount } }` or the officer mutations (docs/schema.md).",
        soft_wrap=True,
        highlight=False,
        markup=False,
    )


def _connector_kinds(config_path: Path) -> dict[str, int]:
    """How many OPDs of the written config each connector kind reads, most first."""
    loaded = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for opd in loaded["opds"]:
        kind = str(opd["connector"]["kind"])
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


async def _serve(
    server: uvicorn.Server,
    console: Console,
    config_path: Path,
    opd_count: int,
    faults: dict[str, str],
    *,
    officers: list[DemoOfficer],
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
    kinds = _connector_kinds(config_path)
    console.print(
        "Read through the connectors " + ", ".join(f"{kind} ({count})" for kind, count in kinds.items()),
        soft_wrap=True,
        highlight=False,
    )
    if faults:
        console.print("Misbehaving on purpose: " + ", ".join(f"{s}={f}" for s, f in sorted(faults.items())))
    _print_officers(console, officers, config_path.with_name(OFFICER_KEYS_FILE))
    console.print("Press Ctrl-C to stop.")
    await serving
