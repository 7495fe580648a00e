"""Rendering and writing a connector package from the templates in ``templates/``.

Templates are ``string.Template`` files with a ``.tmpl`` suffix, so that neither
the gateway's pytest nor its ruff nor its mypy takes them for code of the
gateway. :data:`FILES` says which template becomes which file.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from importlib.resources import files
from pathlib import Path, PurePosixPath
from string import Template

from rich.console import Console

from connectors import ENTRY_POINT_GROUP, available_kinds

from .. import __version__

__all__ = [
    "EXIT_OK",
    "EXIT_USAGE",
    "FILES",
    "ConnectorName",
    "ScaffoldError",
    "parse_name",
    "render",
    "run_new_connector",
    "write_connector",
]

EXIT_OK = 0
EXIT_USAGE = 2
"""A bad name or an occupied target: what argparse also exits with for a bad command line."""

FILES: tuple[tuple[str, str], ...] = (
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("README.md.tmpl", "README.md"),
    ("gitignore.tmpl", ".gitignore"),
    ("package/__init__.py.tmpl", "{package}/__init__.py"),
    ("package/settings.py.tmpl", "{package}/settings.py"),
    ("package/connector.py.tmpl", "{package}/connector.py"),
    ("package/py.typed.tmpl", "{package}/py.typed"),
    ("tests/__init__.py.tmpl", "tests/__init__.py"),
    ("tests/test_contract.py.tmpl", "tests/test_contract.py"),
)
"""Each template (under ``templates/``) and the file it becomes in the package (``{package}`` filled in)."""

# One kind is one config word and one distribution name, so no "_" (pip reads it as "-"),
# no capitals, and a letter first (the class name is made from it).
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_MAX_NAME = 40


class ScaffoldError(Exception):
    """A connector package cannot be written as asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class ConnectorName:
    """Every name derived from a connector kind (``my-dms``)."""

    kind: str
    """The name in config and of the entry point: ``my-dms``."""

    @property
    def distribution(self) -> str:
        """The package to ``pip install``, and its folder: ``ppid-connector-my-dms``."""
        return f"ppid-connector-{self.kind}"

    @property
    def package(self) -> str:
        """The Python package: ``ppid_connector_my_dms``."""
        return f"ppid_connector_{self.kind.replace('-', '_')}"

    @property
    def class_prefix(self) -> str:
        """The start of the class names: ``MyDms``."""
        return "".join(part.capitalize() for part in self.kind.split("-"))

    @property
    def class_name(self) -> str:
        """The connector class: ``MyDmsConnector``."""
        return f"{self.class_prefix}Connector"

    @property
    def settings_name(self) -> str:
        """The settings model: ``MyDmsSettings``."""
        return f"{self.class_prefix}Settings"


def parse_name(text: str) -> ConnectorName:
    """The names for kind ``text``; :class:`ScaffoldError` when it cannot be a connector kind.

    A kind already provided by another installed package (the gateway's builtin
    ``rest``, ``files``...) is refused too: two entry points of one name would
    hide each other. Only ``ppid-connector-<text>`` itself may provide it (a
    package being regenerated).
    """
    if len(text) > _MAX_NAME or not _NAME.fullmatch(text):
        raise ScaffoldError(
            f"invalid connector name {text!r}: use at most {_MAX_NAME} lower-case letters, digits and "
            "single hyphens, starting with a letter (e.g. sipd, my-dms)"
        )
    name = ConnectorName(text)
    owner = _provider(text, name.distribution)
    if owner is not None:
        raise ScaffoldError(
            f"connector kind {text!r} is already provided by {owner}; choose another name "
            "(a second package of the same kind would hide one of them)"
        )
    return name


def _provider(kind: str, own_distribution: str) -> str | None:
    if kind not in available_kinds():
        return None
    owners = {
        _canonical(entry.dist.name) if entry.dist is not None else "an unknown package"
        for entry in entry_points(group=ENTRY_POINT_GROUP, name=kind)
    }
    if not owners:
        return "ppid-gateway"  # a builtin kind in a source checkout, known by its module path alone
    if owners == {own_distribution}:
        return None
    return ", ".join(sorted(owners - {own_distribution}))


def _canonical(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def render(name: ConnectorName) -> dict[PurePosixPath, str]:
    """The package's files, by path relative to its folder, rendered from the templates."""
    values = {
        "kind": name.kind,
        "distribution": name.distribution,
        "package": name.package,
        "class_name": name.class_name,
        "settings_name": name.settings_name,
        "gateway_version": __version__,
    }
    templates = files(__package__ or "gateway.scaffold").joinpath("templates")
    rendered: dict[PurePosixPath, str] = {}
    for template, target in FILES:
        text = templates.joinpath(template).read_text(encoding="utf-8")
        # substitute, not safe_substitute: a misspelt placeholder fails here, not in the user's package.
        rendered[PurePosixPath(target.format(package=name.package))] = Template(text).substitute(values)
    return rendered


def write_connector(name: ConnectorName, output: Path, *, force: bool = False) -> Path:
    """Write the package ``ppid-connector-<kind>/`` into ``output`` and return its folder.

    An existing, non-empty folder is refused unless ``force``; with ``force`` the
    generated files are written over, and any other file in it is left alone.
    Everything is rendered before anything is written, so a template error writes nothing.
    """
    target = output / name.distribution
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} exists and is not a folder; remove it or choose another --output")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ScaffoldError(
            f"{target} already exists and is not empty; choose another --output, "
            "or pass --force to write the generated files over it"
        )
    rendered = render(name)
    try:
        for relative, text in rendered.items():
            path = target.joinpath(*relative.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScaffoldError(f"cannot write {exc.filename or target}: {exc.strerror or exc}") from exc
    return target


def run_new_connector(text: str, output: Path, *, force: bool, console: Console) -> int:
    """``ppid-gateway new-connector``: write the package, print the next steps; the exit code."""
    try:
        name = parse_name(text)
        target = write_connector(name, output, force=force)
    except ScaffoldError as exc:
        # One plain line on stderr, as argparse reports a bad command line (rich would wrap it).
        print(f"ppid-gateway new-connector: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    console.print(f"[green]Created[/] {target}", highlight=False)
    for _, relative in FILES:
        console.print(f"  {relative.format(package=name.package)}", highlight=False, markup=False)
    console.print(
        "\nNext:\n"
        f"  cd {target}\n"
        "  pip install -e '.[test]'    # into the gateway's environment\n"
        "  python -m pytest            # the connector contract kit\n"
        f"Then give an OPD `connector: {{kind: {name.kind}, base_url: ...}}` (see README.md)\n"
        "and run `ppid-gateway check --config <config>` to see it listed and probed.\n"
        f"Adapt {name.package}/connector.py to the OPD's API where it says ADAPT.",
        highlight=False,
        markup=False,
    )
    return EXIT_OK
