"""The project's own promises: the README's commands are the ones CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quickstart)


def test_the_readme_quickstart_has_exactly_two_commands_demo_then_tests() -> None:
    demo, tests = quickstart_commands()
    assert demo.endswith("ppid-gateway demo")
    assert "pytest" in tests and "[test]" in tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, tests = quickstart_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
