"""Fleet lifecycle: everything it starts, it stops; failures say why."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from simulator import Dialect, Fleet, FleetError
from simulator.__main__ import main
from simulator.dialects import rest_connector_block
from simulator.directory import load_opds

from .walk import HEADERS


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_a_child_that_dies_before_it_is_ready_fails_the_start_with_its_stderr(tmp_path: Path) -> None:
    python = _script(tmp_path / "python", 'echo "ModuleNotFoundError: simulator" >&2\nexit 3')
    fleet = Fleet(["dinkes"], python=python)
    with pytest.raises(FleetError, match=r"(?s)exited with code 3 before it was ready.*ModuleNotFoundError"):
        fleet.start()
    assert fleet.pids == []


def test_a_child_that_never_gets_ready_times_out_and_is_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    python = _script(tmp_path / "python", f'echo $$ > {pid_file}\necho "still thinking" >&2\nexec sleep 30')
    fleet = Fleet(["dinkes", "dpk"], processes=2, python=python, startup_timeout_s=0.5)
    with pytest.raises(FleetError, match=r"(?s)not ready after.*still thinking"):
        fleet.start()
    assert pid_file.exists()
    assert not _alive(int(pid_file.read_text()))


def _answering_path(fleet: Fleet, slug: str) -> str:
    """A path the OPD's portal answers 200 on, by its dialect."""
    dialect = fleet.dialects[slug]
    if dialect in (Dialect.FILES, Dialect.SQL):  # only files over HTTP
        return "/" + next(iter(fleet.seed(slug).files.values())).path
    if dialect is Dialect.WORDPRESS:
        return "/wp-json/wp/v2/media?per_page=1"
    if dialect is Dialect.CKAN:
        return f"/api/3/action/organization_show?id={slug}"
    return str(rest_connector_block(dialect, fleet.endpoints[slug])["profile"]["path"])


def test_the_whole_fleet_of_43_opds_answers_in_every_dialect_and_stops_when_the_block_raises() -> None:
    fleet = Fleet()
    with pytest.raises(RuntimeError, match="boom"), fleet, httpx.Client(timeout=5.0) as client:
        assert list(fleet.endpoints) == [opd.slug for opd in load_opds()]
        assert len({httpx.URL(url).port for url in fleet.endpoints.values()}) == 43
        pids = fleet.pids
        assert len(pids) == 4
        assert all(_alive(pid) for pid in pids)
        assert fleet.down == set()
        for slug, url in fleet.endpoints.items():
            assert client.get(url + _answering_path(fleet, slug), headers=HEADERS).status_code == 200, slug
        assert set(fleet.dms_urls) == {"dpmptsp"}
        assert Path(fleet.dms_urls["dpmptsp"].removeprefix("sqlite+aiosqlite:///")).is_file()
        assert fleet.environment() == {
            "PPID_SIM_TOKEN": "simulator-token",
            "PPID_SIM_INTAKE_SECRET": "simulator-intake-secret",
            "PPID_SIM_DMS_URL_DPMPTSP": fleet.dms_urls["dpmptsp"],
        }
        raise RuntimeError("boom")
    assert fleet.pids == []
    assert not any(_alive(pid) for pid in pids)
    with pytest.raises(FleetError, match="not running"):
        fleet.stats()


def test_the_serve_command_prints_one_ready_line_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "serve",
            "--opds",
            "dpk,dinkes",
            "--knobs",
            '{"dpk": {"down": true}}',
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())
        assert set(ready["ready"]) == {"dinkes", "dpk"}
        assert ready["down"] == ["dpk"]
        assert ready["dialects"] == {"dinkes": "laravel", "dpk": "files"}
        assert ready["intake"] == ["dinkes"]
        assert httpx.get(ready["control"] + "/_sim/health").json()["opds"] == ["dinkes", "dpk"]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr


def test_the_serve_command_names_an_unknown_opd(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--opds", "dinkes,dinas-rahasia"]) == 2
    assert "unknown OPD slug 'dinas-rahasia'" in capsys.readouterr().err
