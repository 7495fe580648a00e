"""``ppid-gateway new-connector``: the files it writes, the names and folders it refuses, ``--force``.

The generated package is also linted with the gateway's rules and its own
contract tests are run (in this environment, from its folder); installing it
into a fresh virtualenv is ``test_fresh_venv.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import pytest

from gateway import __version__, check
from gateway.cli import main
from gateway.scaffold import FILES, ConnectorName, ScaffoldError, parse_name, render, write_connector

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "gateway" / "scaffold" / "templates"

EXPECTED_FILES = {
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "ppid_connector_my_dms/__init__.py",
    "ppid_connector_my_dms/connector.py",
    "ppid_connector_my_dms/py.typed",
    "ppid_connector_my_dms/settings.py",
    "tests/__init__.py",
    "tests/test_contract.py",
}


def new_connector(tmp_path: Path, *args: str) -> int:
    return main(["new-connector", *args, "--output", str(tmp_path)])


def written(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_writes_the_package_named_after_the_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_connector(tmp_path, "my-dms") == 0
    folder = tmp_path / "ppid-connector-my-dms"
    assert written(folder) == EXPECTED_FILES
    out = capsys.readouterr().out
    assert "Created" in out and "pip install -e '.[test]'" in out and "ppid-gateway check" in out
    connector = (folder / "ppid_connector_my_dms" / "connector.py").read_text(encoding="utf-8")
    assert 'kind = "my-dms"' in connector and "class MyDmsConnector(Connector):" in connector


def test_the_output_folder_defaults_to_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new-connector", "sipd"]) == 0
    assert (tmp_path / "ppid-connector-sipd" / "ppid_connector_sipd" / "connector.py").is_file()


def test_a_missing_output_folder_is_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_connector(tmp_path / "a" / "b", "sipd") == 0
    assert (tmp_path / "a" / "b" / "ppid-connector-sipd" / "pyproject.toml").is_file()


@pytest.mark.parametrize(
    "name",
    ["Sipd", "my_dms", "1dms", "my--dms", "dms-", "sipd!", "ppid connector", "x" * 41, "é"],
)
def test_a_bad_name_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert new_connector(tmp_path, name) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert f"invalid connector name {name!r}" in err
    assert "e.g. sipd, my-dms" in err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("kind", ["rest", "files", "wordpress", "ckan", "graphql", "sql"])
def test_a_builtin_kind_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    assert new_connector(tmp_path, kind) == 2
    err = capsys.readouterr().err
    assert f"connector kind {kind!r} is already provided by ppid-gateway; choose another name" in err
    assert not any(tmp_path.iterdir())


def test_an_existing_non_empty_folder_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ppid-connector-sipd"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert new_connector(tmp_path, "sipd") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "already exists and is not empty" in err and "--force" in err
    assert written(folder) == {"notes.txt"}


def test_an_existing_empty_folder_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ppid-connector-sipd").mkdir()
    assert new_connector(tmp_path, "sipd") == 0
    assert (tmp_path / "ppid-connector-sipd" / "README.md").is_file()


def test_a_file_in_the_way_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ppid-connector-sipd").write_text("", encoding="utf-8")
    assert new_connector(tmp_path, "sipd", "--force") == 2
    assert "exists and is not a folder" in capsys.readouterr().err


def test_force_writes_the_generated_files_over_and_keeps_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new_connector(tmp_path, "sipd") == 0
    folder = tmp_path / "ppid-connector-sipd"
    readme = folder / "README.md"
    original = readme.read_text(encoding="utf-8")
    readme.write_text("edited", encoding="utf-8")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert new_connector(tmp_path, "sipd") == 2
    assert readme.read_text(encoding="utf-8") == "edited"
    assert new_connector(tmp_path, "sipd", "--force") == 0
    assert readme.read_text(encoding="utf-8") == original
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_names_derived_from_the_kind() -> None:
    name = parse_name("my-dms")
    assert (name.distribution, name.package, name.class_name, name.settings_name) == (
        "ppid-connector-my-dms",
        "ppid_connector_my_dms",
        "MyDmsConnector",
        "MyDmsSettings",
    )
    with pytest.raises(ScaffoldError):
        parse_name("my_dms")


def test_every_template_is_rendered_and_no_placeholder_is_left() -> None:
    on_disk = {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.tmpl")}
    assert on_disk == {template for template, _ in FILES}
    for relative, text in render(ConnectorName("my-dms")).items():
        assert "$" not in text, f"{relative}: a placeholder was left"
        if relative.name not in (".gitignore", "py.typed"):
            assert "my-dms" in text or "my_dms" in text or "MyDms" in text, relative


def test_no_template_looks_like_code_to_pytest_ruff_or_mypy() -> None:
    # The gateway's own test run, ruff and mypy must never read a template as a module of the gateway.
    assert not [path for path in TEMPLATES.rglob("*") if path.suffix in (".py", ".toml", ".md")]


@pytest.mark.parametrize("kind", ["sipd", "my-dms"])
def test_the_python_files_compile(tmp_path: Path, kind: str) -> None:
    folder = write_connector(parse_name(kind), tmp_path)
    sources = list(folder.rglob("*.py"))
    assert len(sources) == 5
    for source in sources:
        compile(source.read_text(encoding="utf-8"), str(source), "exec")


def _tool(name: str) -> str:
    # The tools of this environment ([dev]); CI runs the tests before installing them.
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed in this environment (pip install -e '.[dev]')")
    return found


@pytest.mark.parametrize("kind", ["sipd", "my-dms"])
def test_the_package_passes_ruff_with_the_gateways_rules(tmp_path: Path, kind: str) -> None:
    ruff = _tool("ruff")
    folder = write_connector(parse_name(kind), tmp_path)
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        result = subprocess.run(
            [ruff, *command], cwd=folder, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_generated_ruff_rules_are_the_gateways() -> None:
    gateway = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    generated = tomllib.loads(render(ConnectorName("sipd"))[PurePosixPath("pyproject.toml")])["tool"]["ruff"]
    assert generated["line-length"] == gateway["line-length"]
    assert generated["target-version"] == gateway["target-version"]
    assert generated["lint"]["select"] == gateway["lint"]["select"]
    assert generated["lint"]["ignore"] == gateway["lint"]["ignore"]


def test_the_pyproject_registers_the_connector_and_its_test_setup() -> None:
    project = tomllib.loads(render(ConnectorName("my-dms"))[PurePosixPath("pyproject.toml")])
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    assert project["build-system"]["requires"] == ["setuptools>=69"]
    meta = project["project"]
    assert meta["name"] == "ppid-connector-my-dms"
    assert f"ppid-gateway>={__version__}" in meta["dependencies"]
    assert meta["entry-points"]["ppid_gateway.connectors"] == {
        "my-dms": "ppid_connector_my_dms:MyDmsConnector"
    }
    assert {r.split(">")[0] for r in meta["optional-dependencies"]["test"]} == {"pytest", "pytest-asyncio"}
    pytest_options = project["tool"]["pytest"]["ini_options"]
    assert pytest_options["asyncio_mode"] == "auto"
    assert pytest_options["filterwarnings"] == ["error"]
    assert project["tool"]["setuptools"]["packages"] == ["ppid_connector_my_dms"]


def test_the_readme_gives_install_config_test_and_check() -> None:
    readme = render(ConnectorName("my-dms"))[PurePosixPath("README.md")]
    for needle in (
        "pip install -e .",
        "kind: my-dms",
        "base_url:",
        "python -m pytest",
        "ppid-gateway check --config",
        "my-dms (ppid-connector-my-dms 0.1.0)",
    ):
        assert needle in readme, needle


def test_the_generated_contract_tests_pass_as_generated(tmp_path: Path) -> None:
    folder = write_connector(parse_name("my-dms"), tmp_path)
    # Not installed: tests/ is a package, so pytest puts the folder, and with it the package, on sys.path.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
    assert "does not declare INFORMATION_LIST" in result.stdout  # skipped with the reason, not failed


def test_check_lists_third_party_kinds_with_their_package(monkeypatch: pytest.MonkeyPatch) -> None:
    def entry(name: str, dist: str | None, version: str = "0.1.0") -> SimpleNamespace:
        package = None if dist is None else SimpleNamespace(name=dist, version=version)
        return SimpleNamespace(name=name, dist=package)

    fakes = [entry("rest", "ppid-gateway"), entry("sipd", "ppid-connector-sipd"), entry("odd", None)]
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: fakes)
    monkeypatch.setattr("connectors.available_kinds", lambda: ["files", "odd", "rest", "sipd"])
    expected = "Connector kinds: files, odd, rest, sipd (ppid-connector-sipd 0.1.0)"
    assert check.connector_kinds_line() == expected


def test_check_lists_the_builtin_kinds() -> None:
    line = check.connector_kinds_line()
    assert line.startswith("Connector kinds: ")
    assert {"rest", "files", "wordpress", "ckan", "graphql", "sql"} <= set(line.split(": ", 1)[1].split(", "))


def test_the_readmes_config_block_is_valid_for_the_generated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    import yaml

    folder = write_connector(parse_name("my-dms"), tmp_path)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```yaml\n(.+?)```", readme, re.DOTALL) if "kind: my-dms" in b]
    connector = yaml.safe_load(block)["opds"][0]["connector"]
    assert connector.pop("kind") == "my-dms"
    # settings.py imports only pydantic: load it by path, the package is not installed here.
    spec = importlib.util.spec_from_file_location(
        "generated_settings", folder / "ppid_connector_my_dms" / "settings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # pydantic resolves the (postponed) annotations through sys.modules
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    settings = module.MyDmsSettings.model_validate(connector)
    assert str(settings.base_url).startswith("https://")


def test_every_template_ships_in_the_wheel() -> None:
    # A template the package-data globs miss would be found in a checkout and missing once installed.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["gateway.scaffold"]
    package = TEMPLATES.parent
    shipped = {path for pattern in globs for path in package.glob(pattern)}
    assert set(TEMPLATES.rglob("*.tmpl")) == shipped
