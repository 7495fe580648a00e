"""A generated connector package installed as an OPD developer installs it: into its own virtualenv.

The fresh virtualenv gets the gateway without downloading it: a ``.pth`` file
in its site-packages runs ``site.addsitedir`` on this environment's
site-packages, so the gateway (however it is installed here: editable, as in
CI, or not), its dependencies, pip and pytest are importable there, with their
entry points. Only the generated package is installed into the new virtualenv,
by pip from its own ``pyproject.toml``, with ``--no-deps``. Its build backend
comes from this environment when it can build offline (setuptools >= 70.1, or
an older one with ``wheel``); otherwise pip fetches just setuptools from the
package index, as ``pip install -e`` of the gateway itself does.

Then, in that virtualenv: the entry point is found, ``ppid-gateway check``
lists the kind and probes an OPD of that kind served over real HTTP, and the
package's own contract tests pass.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import site
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from connectors.testing.server import json_documents_handler, sample_documents
from gateway.scaffold import parse_name, write_connector

pytestmark = pytest.mark.integration

KIND = "my-dms"
DISTRIBUTION = "ppid-connector-my-dms"
PROFILE = {"description": "PPID Pembantu Dinas Uji", "vision": "Informasi publik yang terbuka"}


@dataclass(frozen=True)
class FreshVenv:
    """A virtualenv with the generated package installed, and the gateway borrowed from this one."""

    python: Path
    package: Path
    site_packages: Path

    def run(self, *args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run this venv's python with ``args``; never raises on a non-zero exit."""
        return subprocess.run(
            [str(self.python), *args],
            cwd=cwd,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _clean_env() -> dict[str, str]:
    # Nothing of this process's environment may decide what the fresh venv imports.
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTHONSTARTUP"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(PYTHONNOUSERSITE="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", COLUMNS="200")
    return env


def _venv_python(venv: Path) -> Path:
    return venv / "Scripts" / "python.exe" if os.name == "nt" else venv / "bin" / "python"


def _version(distribution: str) -> tuple[int, ...] | None:
    try:
        text = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    return tuple(int(part) for part in re.findall(r"\d+", text)[:2])


def _builds_offline() -> bool:
    """True when this environment's setuptools can build an editable wheel without fetching anything."""
    setuptools = _version("setuptools")
    if setuptools is None:
        return False
    # setuptools took bdist_wheel in from the `wheel` package in 70.1; PEP 660 editables came in 64.
    return setuptools >= (70, 1) or (setuptools >= (64,) and _version("wheel") is not None)


def _checked(result: subprocess.CompletedProcess[str], what: str) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    """The generated package, pip-installed (editable) into a new virtualenv that borrows the gateway."""
    root = tmp_path_factory.mktemp("fresh")
    package = write_connector(parse_name(KIND), root)
    venv = root / "venv"
    # Without pip: the venv uses this environment's pip through the .pth below (ensurepip is slow).
    run = subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    _checked(run, "python -m venv")
    python = _venv_python(venv)
    query = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = Path(
        _checked(
            subprocess.run(
                [str(python), "-c", query], capture_output=True, text=True, timeout=30, check=False
            ),
            "sysconfig",
        ).stdout.strip()
    )
    # addsitedir, not a bare path: it also runs the .pth files there, among them the import hook of
    # an editable install of the gateway (which a bare path on sys.path would leave out).
    borrowed = [path for path in site.getsitepackages() if Path(path).is_dir()]
    lines = [f"import site; site.addsitedir({path!r})" for path in borrowed]
    (purelib / "zz_borrow_the_gateway.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fresh = FreshVenv(python, package, purelib)
    offline = ["--no-build-isolation", "--no-index"] if _builds_offline() else []
    _checked(
        fresh.run(
            "-m", "pip", "install", "-q", "--no-deps", *offline, "-e", str(package), cwd=root, timeout=180
        ),
        "pip install -e of the generated package",
    )
    return fresh


def test_the_entry_point_is_installed_in_the_fresh_venv_only(fresh_venv: FreshVenv) -> None:
    script = (
        "import importlib.metadata as m, json, sys\n"
        "eps = {e.name: e.value for e in m.entry_points(group='ppid_gateway.connectors')}\n"
        f"dist = m.distribution({DISTRIBUTION!r})\n"
        "import connectors\n"
        f"cls = connectors.connector_class({KIND!r})\n"
        "where = str(dist.locate_file(''))\n"
        "name = cls.__module__ + '.' + cls.__name__\n"
        "print(json.dumps({'prefix': sys.prefix, 'eps': eps, 'version': dist.version,\n"
        "                  'where': where, 'class': name}))\n"
    )
    # Not from the package's folder: its build left an .egg-info there, which `python -c` would find first.
    found = json.loads(_checked(fresh_venv.run("-c", script, cwd=fresh_venv.package.parent), "probe").stdout)
    assert Path(found["prefix"]).resolve() == fresh_venv.python.parent.parent.resolve()
    assert found["eps"][KIND] == "ppid_connector_my_dms:MyDmsConnector"
    assert {"rest", "files", "wordpress"} <= set(found["eps"]), "the gateway's own entry points are visible"
    assert found["version"] == "0.1.0"
    assert Path(found["where"]).resolve() == fresh_venv.site_packages.resolve()
    assert found["class"] == "ppid_connector_my_dms.connector.MyDmsConnector"
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution(DISTRIBUTION)  # this environment was left alone


@dataclass
class _Upstream:
    """A tiny JSON upstream over real HTTP on a free loopback port, answering as the kit's handler."""

    answer: Callable[[httpx.Request], httpx.Response]
    paths: list[str] = field(default_factory=list)


def _serve(upstream: _Upstream) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            upstream.paths.append(self.path)
            response = upstream.answer(httpx.Request("GET", f"http://upstream{self.path}"))
            self.send_response(response.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        def log_message(self, *args: object) -> None:
            """Quiet: the test reads ``upstream.paths`` instead."""

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def upstream() -> Iterator[tuple[str, _Upstream]]:
    """The upstream's base URL, and what it was asked."""
    documents = json_documents_handler(sample_documents())

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/profile":
            return httpx.Response(200, json={"data": PROFILE})
        return documents(request)

    state = _Upstream(answer)
    server = _serve(state)
    thread = threading.Thread(target=server.serve_forever, name="fake-opd", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_check_lists_the_kind_and_probes_an_opd_of_it(
    fresh_venv: FreshVenv, upstream: tuple[str, _Upstream], tmp_path: Path
) -> None:
    base_url, state = upstream
    config = tmp_path / "gateway.yaml"
    config.write_text(
        "ppid_utama: dinas-uji\n"
        "opds:\n"
        "  - slug: dinas-uji\n"
        "    name: Dinas Uji\n"
        "    short_name: Uji\n"
        "    connector:\n"
        f"      kind: {KIND}\n"
        f"      base_url: {base_url}\n",
        encoding="utf-8",
    )
    result = fresh_venv.run("-m", "gateway.cli", "check", "--config", str(config), cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"{KIND} ({DISTRIBUTION} 0.1.0)" in output
    row = next((line for line in result.stdout.splitlines() if "dinas-uji" in line), "")
    assert KIND in row and "OK" in row, output
    assert "The OPD answered" in output
    assert "/profile" in state.paths  # the probe reached the upstream over HTTP


def test_the_packages_own_tests_pass_in_the_fresh_venv(fresh_venv: FreshVenv) -> None:
    result = fresh_venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=fresh_venv.package)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
