"""The `ppid-gateway` command as a user runs it: check and demo, as subprocesses."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from simulator import Fleet

from .conftest import FAST_FEDERATION, write_config

CLI = [sys.executable, "-m", "gateway.cli"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def test_check_probes_every_opd_and_exits_zero_when_all_answer(fleet: Fleet, tmp_path: Path) -> None:
    config = write_config(fleet, tmp_path, FAST_FEDERATION)
    result = run_cli("check", "--config", str(config), env=fleet.environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Config valid" in result.stdout
    assert f"All {len(fleet.opds)} OPDs answered" in result.stdout
    for kind in ("rest", "files", "wordpress", "ckan", "sql", "graphql"):
        assert f" {kind} " in result.stdout, f"no {kind} OPD in the probe table"


def test_check_names_the_opds_that_do_not_answer(fleet: Fleet, tmp_path: Path) -> None:
    config = write_config(fleet, tmp_path, FAST_FEDERATION)
    fleet.set_knobs("dinkes", down=True)
    try:
        result = run_cli("check", "--config", str(config), env=fleet.environment())
    finally:
        fleet.reset_knobs(["dinkes"])
    assert result.returncode == 1
    assert f"1 of {len(fleet.opds)} OPDs did not answer" in result.stdout
    assert "dinkes" in result.stdout.splitlines()[-1]


def test_check_refuses_an_invalid_config_naming_file_key_and_fix(tmp_path: Path) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text(
        "opds:\n"
        "  - slug: dinkes\n"
        "    name: Dinas Kesehatan\n"
        "    short_name: Dinkes\n"
        "    connector: {kind: rest, base_url: dinkes-without-scheme}\n"
        "ppid_utama: dinkes\n",
        encoding="utf-8",
    )
    result = run_cli("check", "--config", str(config))
    assert result.returncode == 2
    assert f"{config}: opds[0].connector.base_url: expected an absolute URL" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_names_the_opd_key_and_fix_of_a_misconfigured_connector(tmp_path: Path) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text(
        "ppid_utama: dinkes\n"
        "opds:\n"
        "  - slug: dinkes\n"
        "    name: Dinas Kesehatan\n"
        "    short_name: Dinkes\n"
        "    connector: {kind: sql, sqlite_path: dms.db, table: dokumen, shema: public,\n"
        "                columns: {id: id, title: judul, category: kategori}}\n"
        "  - slug: bapenda\n"
        "    name: Badan Pendapatan Daerah\n"
        "    short_name: Bapenda\n"
        "    connector: {kind: graphq, endpoint: 'https://ppid.example.go.id/graphql'}\n",
        encoding="utf-8",
    )
    result = run_cli("check", "--config", str(config))
    assert result.returncode == 2
    assert f"{config}: opds[0].connector.shema: unknown key; did you mean 'schema'?" in result.stdout, (
        result.stdout
    )
    assert f"{config}: opds[1].connector.kind: no connector of kind 'graphq'" in result.stdout
    assert "did you mean 'graphql'?" in result.stdout
    lines = result.stdout.splitlines()
    assert [line.rstrip().endswith("(OPD dinkes)") for line in lines if "opds[0]" in line] == [True]
    assert [line.rstrip().endswith("(OPD bapenda)") for line in lines if "opds[1]" in line] == [True]
    assert "Traceback" not in result.stdout + result.stderr


def test_serve_refuses_an_invalid_config_without_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "empty.yaml"
    config.write_text("opds: []\n", encoding="utf-8")
    result = run_cli("serve", "--config", str(config), "--port", "0")
    assert result.returncode == 2
    assert "opds" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def children_of(pid: int) -> set[int]:
    """Every descendant of ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    process = subprocess.Popen(
        [
            *CLI,
            "demo",
            "--port",
            "0",
            "--opds",
            "6",
            "--processes",
            "2",
            "--fault",
            "bpbd=down",
            "--data-dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    lines: list[str] = []
    try:
        yield process, lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def test_the_demo_serves_the_fleet_and_stops_everything_on_ctrl_c(
    demo: tuple[subprocess.Popen[str], list[str]],
) -> None:
    process, lines = demo
    assert process.stdout is not None
    ready = threading.Event()
    url: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"GraphiQL: (http://\S+)", line)
            if match:
                url.append(match.group(1))
            if "Press Ctrl-C" in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(60), "".join(lines)
    output = "".join(lines)
    assert "8 of 9 OPDs up" in output  # six of the province's, and the regency's three
    assert "graphql (3)" in output
    assert "bpbd=down" in output

    body = httpx.post(
        url[0], json={"query": "{ documents(first: 3) { totalCount } upstreams { status } }"}
    ).json()
    assert body["data"]["documents"]["totalCount"] > 0
    assert [e["extensions"]["opd"] for e in body["errors"]] == ["bpbd"]

    simulators = children_of(process.pid)
    assert simulators, "the demo should run the simulated OPDs in processes of their own"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    reader.join(timeout=5)
    assert "Stopped the gateway and every simulated OPD." in "".join(lines)
    assert not [pid for pid in simulators if alive(pid)]


OPD_ENTRY = (
    "{slug: dpk, name: Dinas Perpustakaan, short_name: DPK, connector: {kind: files, catalog: dpk.yaml}}"
)
OPD_LINE = f"opds: [{OPD_ENTRY}]\n"


def test_migrate_brings_a_new_sqlite_ledger_to_head_then_has_nothing_to_do(tmp_path: Path) -> None:
    (tmp_path / "dpk.yaml").write_text("documents: []\n", encoding="utf-8")
    config = tmp_path / "gateway.yaml"
    config.write_text(
        "ppid_utama: dpk\ndatabase: {url: 'sqlite+aiosqlite:///ledger.db'}\n" + OPD_LINE,
        encoding="utf-8",
    )
    first = run_cli("migrate", "--config", str(config))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "migrated from an empty database to" in first.stdout
    assert (tmp_path / "ledger.db").exists(), "the SQLite path is relative to the config file"
    again = run_cli("migrate", "--config", str(config))
    assert again.returncode == 0
    assert "nothing to do" in again.stdout


def test_migrate_names_an_unreachable_database_without_its_password(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "dpk.yaml").write_text("documents: []\n", encoding="utf-8")
    config = tmp_path / "gateway.yaml"
    config.write_text(
        "ppid_utama: dpk\n"
        f"database: {{url: 'postgresql+asyncpg://ppid:s3cret-pw@127.0.0.1:{port}/ppid', "
        "connect_timeout_s: 2}\n" + OPD_LINE,
        encoding="utf-8",
    )
    result = run_cli("migrate", "--config", str(config))
    assert result.returncode == 1
    assert "Database unavailable" in result.stdout
    assert f"127.0.0.1:{port}" in result.stdout
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
