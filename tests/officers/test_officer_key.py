"""`ppid-gateway officer-key` prints a new key once, and config lines that let exactly that key in."""

from __future__ import annotations

import re

import pytest
import yaml

from gateway.cli import main
from gateway.config import OfficerConfig
from gateway.kip.roles import OfficerRole
from gateway.officers import OfficerDirectory, key_sha256


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    """The printed key and the printed `officers:` entry."""
    assert main(["officer-key", *args]) == 0
    out = capsys.readouterr().out
    [key] = re.findall(r"^ {4}([A-Za-z0-9_-]{43})$", out, flags=re.M)
    entry = out[out.index("  - id:") : out.index("\n\n", out.index("  - id:"))]
    return key, entry


def test_the_printed_entry_validates_and_accepts_the_printed_key(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--id", "dinkes-ppid", "--name", "PPID: Dinkes", "--role", "PPID", "--opd", "dinkes")
    key, entry = run(capsys, *args)
    [raw] = yaml.safe_load(entry)
    assert raw == {
        "id": "dinkes-ppid",
        "name": "PPID: Dinkes",
        "role": "PPID",
        "opd": "dinkes",
        "key_sha256": key_sha256(key),
    }
    officer = OfficerDirectory([OfficerConfig.model_validate(raw)]).by_key(key)
    assert officer is not None and officer.role is OfficerRole.PPID


def test_every_run_makes_another_key(capsys: pytest.CaptureFixture[str]) -> None:
    first, _ = run(capsys)
    second, _ = run(capsys)
    assert first != second


def test_without_details_the_entry_is_an_example_to_edit_and_ppid_utama_has_no_opd(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, entry = run(capsys)
    assert "# change this" in entry and "opd: dinkes" in entry
    key, entry = run(capsys, "--role", "PPID_UTAMA", "--id", "ppid-utama", "--name", "PPID Utama Banten")
    [raw] = yaml.safe_load(entry)
    assert "opd" not in raw
    OfficerConfig.model_validate(raw)
    assert raw["key_sha256"] == key_sha256(key)
