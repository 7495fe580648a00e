"""``ppid-gateway check`` probing graphql OPDs against a real upstream gateway, sql and files OPDs."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from rich.console import Console

from connectors import UpstreamUnavailable
from connectors.files import FilesConnector
from gateway.app import create_app
from gateway.check import EXIT_OK, EXIT_UNREACHABLE, run_check
from gateway.config import load_config

GRAPHQL_CAPABILITIES = "document, documents, information_list, profile"


def _opd(slug: str, connector: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"slug": slug, "name": f"OPD {slug}", "short_name": slug, "connector": connector, **extra}


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[str]:
    """The GraphQL endpoint of a regency's gateway on loopback: ``dinkes`` (with a profile) and ``dpk``."""
    folder = tmp_path / "regency"
    folder.mkdir()
    dinkes = {
        "documents": [{"id": "1", "title": "Laporan Kinerja", "category": "BERKALA", "year": 2024}],
        "information_list": [{"id": "dip1", "number": "1", "title": "Renstra", "category": "BERKALA"}],
        "profile": {"description": "PPID Pembantu Dinas Kesehatan", "menu": []},
    }
    (folder / "dinkes.yaml").write_text(yaml.safe_dump(dinkes), encoding="utf-8")
    dpk = {"documents": [{"id": "1", "title": "Arsip", "category": "BERKALA"}]}  # no profile, no DIP
    (folder / "dpk.yaml").write_text(yaml.safe_dump(dpk), encoding="utf-8")
    config = {
        "ppid_utama": "dpk",
        "database": {"url": f"sqlite+aiosqlite:///{folder / 'regency.db'}"},
        "cache": {"response_ttl_s": 0, "stale_if_error_s": 0},
        "opds": [
            _opd("dinkes", {"kind": "files", "catalog": "dinkes.yaml"}),
            _opd("dpk", {"kind": "files", "catalog": "dpk.yaml"}),
        ],
    }
    (folder / "gateway.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    app = create_app(load_config(folder / "gateway.yaml"), migrate=True)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the upstream gateway did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        listener.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def check(tmp_path: Path, opds: list[dict[str, Any]]) -> tuple[int, str]:
    """Run ``check`` on a config of ``opds`` (the first is PPID Utama); the exit code and what it printed."""
    (tmp_path / "arsip.yaml").write_text(
        yaml.safe_dump({"documents": [{"id": "1", "title": "Arsip", "category": "BERKALA"}]}),
        encoding="utf-8",
    )
    config = {
        "ppid_utama": opds[0]["slug"],
        "federation": {"opd_timeout_s": 5},
        "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'province.db'}"},
        "opds": opds,
    }
    path = tmp_path / "province.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    console = Console(record=True, width=400)
    code = run_check(path, console)
    return code, console.export_text()


def row(output: str, slug: str) -> str:
    """The first line of ``slug``'s row in the probe table."""
    [line] = [line for line in output.splitlines() if line.startswith(f"│ {slug} ")]
    return line


LOCAL = _opd("arsip", {"kind": "files", "catalog": "arsip.yaml"})


def test_graphql_opds_are_probed_against_the_upstream_gateway(tmp_path: Path, upstream: str) -> None:
    code, output = check(
        tmp_path,
        [
            LOCAL,
            _opd("tangkab-dinkes", {"kind": "graphql", "endpoint": upstream, "upstream_opd": "dinkes"}),
            # The default probe reads the profile; an upstream OPD without one still answers documents.
            _opd("tangkab-dpk", {"kind": "graphql", "endpoint": upstream, "upstream_opd": "dpk"}),
        ],
    )

    assert code == EXIT_OK, output
    line = row(output, "tangkab-dinkes")
    assert "│ graphql " in line and GRAPHQL_CAPABILITIES in line and "│ OK " in line, line
    line = row(output, "tangkab-dpk")
    assert "│ graphql " in line and "document, documents" in line and "│ OK " in line, line
    assert "│ files " in row(output, "arsip") and "│ OK " in row(output, "arsip")
    assert "All 3 OPDs answered." in output


def test_a_failing_or_unreachable_upstream_fails_only_its_own_opds(
    tmp_path: Path, upstream: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    originals = {name: getattr(FilesConnector, name) for name in ("profile", "list_documents")}

    def failing_for_dpk(name: str) -> Any:
        async def call(self: FilesConnector, *args: Any) -> Any:
            if self.opd.slug == "dpk":
                raise UpstreamUnavailable("the dpk catalog server is down")
            return await originals[name](self, *args)

        return call

    for name in originals:
        monkeypatch.setattr(FilesConnector, name, failing_for_dpk(name))
    down = f"http://127.0.0.1:{closed_port()}/graphql"

    code, output = check(
        tmp_path,
        [
            LOCAL,
            _opd("tangkab-dinkes", {"kind": "graphql", "endpoint": upstream, "upstream_opd": "dinkes"}),
            _opd("tangkab-dpk", {"kind": "graphql", "endpoint": upstream, "upstream_opd": "dpk"}),
            _opd("tangkab-typo", {"kind": "graphql", "endpoint": upstream, "upstream_opd": "dinkess"}),
            _opd("serang-dinkes", {"kind": "graphql", "endpoint": down, "upstream_opd": "dinkes"}),
        ],
    )

    assert code == EXIT_UNREACHABLE, output
    assert "│ OK " in row(output, "arsip") and "│ OK " in row(output, "tangkab-dinkes")
    for slug in ("tangkab-dpk", "tangkab-typo", "serang-dinkes"):
        assert "│ graphql " in row(output, slug) and "│ FAIL " in row(output, slug)
    # The upstream's own error code and message, for that OPD only.
    failed_upstream = row(output, "tangkab-dpk")
    assert "upstream OPD 'dpk' failed (UPSTREAM_UNAVAILABLE)" in failed_upstream
    assert "the dpk catalog server is down" in failed_upstream
    typo = row(output, "tangkab-typo")
    assert (
        "UPSTREAM_BAD_RESPONSE" in typo
        and "(BAD_USER_INPUT)" in typo
        and "unknown OPD slug 'dinkess'" in typo
    )
    assert "UPSTREAM_UNAVAILABLE" in row(output, "serang-dinkes")
    assert output.rstrip().splitlines()[-1] == (
        "3 of 5 OPDs did not answer: tangkab-dpk, tangkab-typo, serang-dinkes"
    )


def test_sql_opds_are_probed_and_a_missing_sqlite_file_names_the_path_and_the_fix(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "dms.db") as database:
        database.execute("CREATE TABLE dokumen (id INTEGER PRIMARY KEY, judul TEXT, kategori TEXT)")
        database.execute("INSERT INTO dokumen VALUES (1, 'Laporan', 'berkala')")
    columns = {"id": "id", "title": "judul", "category": "kategori"}

    code, output = check(
        tmp_path,
        [
            LOCAL,
            _opd("dpmptsp", {"kind": "sql", "sqlite_path": "dms.db", "table": "dokumen", "columns": columns}),
            _opd(
                "bapenda", {"kind": "sql", "sqlite_path": "hilang.db", "table": "dokumen", "columns": columns}
            ),
        ],
    )

    assert code == EXIT_UNREACHABLE, output
    assert "│ sql " in row(output, "dpmptsp") and "│ OK " in row(output, "dpmptsp")
    missing = row(output, "bapenda")
    assert "│ FAIL " in missing and "UPSTREAM_UNAVAILABLE" in missing
    assert f"the SQLite file {tmp_path / 'hilang.db'} does not exist" in missing
    assert "Fix connector.sqlite_path (relative to the config file)" in missing


def test_an_unset_credential_fails_its_opd_without_stopping_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TANGKAB_GATEWAY_KEY", raising=False)
    block = {
        "kind": "graphql",
        "endpoint": f"http://127.0.0.1:{closed_port()}/graphql",
        "upstream_opd": "dinkes",
        "auth_env": "TANGKAB_GATEWAY_KEY",
    }

    code, output = check(tmp_path, [LOCAL, _opd("tangkab-dinkes", block)])

    assert code == EXIT_UNREACHABLE, output
    assert "│ OK " in row(output, "arsip")
    line = row(output, "tangkab-dinkes")
    assert "│ graphql " in line and "│ FAIL " in line and "CONNECTOR_CONFIG_ERROR" in line
    assert "TANGKAB_GATEWAY_KEY" in " ".join(output.split())
    assert "Traceback" not in output


def test_an_inactive_opd_is_listed_but_not_probed(tmp_path: Path) -> None:
    merged = _opd(
        "dishub-lama",
        {"kind": "graphql", "endpoint": f"http://127.0.0.1:{closed_port()}/graphql", "upstream_opd": "x"},
        active_to="2020-12-31",
    )

    code, output = check(tmp_path, [LOCAL, merged])

    assert code == EXIT_OK, output
    assert "│ SKIP " in row(output, "dishub-lama") and "inactive" in row(output, "dishub-lama")
    assert "The OPD answered. (1 inactive)" in output
