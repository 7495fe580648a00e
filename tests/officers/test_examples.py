"""The officer examples people copy — docs/operations.md and examples/banten.yaml — are valid as written."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gateway.config import parse_config
from gateway.kip.roles import OfficerRole

ROOT = Path(__file__).resolve().parents[2]
OPD = {
    "name": "Dinas",
    "short_name": "Dinas",
    "connector": {"kind": "rest", "base_url": "https://ppid.example.go.id"},
}


def with_opds(officers: object) -> str:
    opds = [{"slug": slug, **OPD} for slug in ("diskominfo", "dinkes")]
    return yaml.safe_dump({"ppid_utama": "diskominfo", "opds": opds, "officers": officers})


def test_the_officers_example_in_operations_md_is_a_valid_config_block() -> None:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    [example] = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S) if "officers:" in b]
    config = parse_config(with_opds(yaml.safe_load(example)["officers"]))
    assert [o.role for o in config.officers] == [OfficerRole.PPID, OfficerRole.ATASAN, OfficerRole.PPID_UTAMA]


def test_the_commented_officers_in_the_example_config_are_valid_once_filled_in() -> None:
    text = (ROOT / "examples" / "banten.yaml").read_text(encoding="utf-8")
    block = text[text.index("# officers:") :]
    uncommented = "\n".join(line.removeprefix("# ") for line in block.splitlines())
    filled = re.sub(r"<[^>]*>", "ab" * 32, uncommented, count=1)
    for digest in ("cd" * 32, "ef" * 32):
        filled = filled.replace("<...>", digest, 1)
    config = parse_config(with_opds(yaml.safe_load(filled)["officers"]))
    assert [o.id for o in config.officers] == ["dinkes-ppid", "dinkes-atasan", "ppid-utama"]
