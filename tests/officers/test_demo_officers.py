"""The demo's officers: a PPID and an atasan PPID for two OPDs and PPID Utama, keys kept privately."""

from __future__ import annotations

from pathlib import Path

import yaml

from gateway.config import GatewayConfig
from gateway.demo import OFFICER_KEYS_FILE, demo_officers
from gateway.kip.roles import OfficerRole
from gateway.officers import OfficerDirectory

SLUGS = ["diskominfo", "bappeda", "dinkes", "dindikbud", "dishub"]


def config_with(officers: list[dict[str, object]]) -> GatewayConfig:
    opds = [{"slug": slug, "name": slug, "short_name": slug, "connector": {"kind": "mock"}} for slug in SLUGS]
    return GatewayConfig.model_validate({"ppid_utama": "diskominfo", "opds": opds, "officers": officers})


def test_the_demo_signs_in_a_ppid_and_an_atasan_of_two_opds_and_ppid_utama(tmp_path: Path) -> None:
    officers = demo_officers(tmp_path, SLUGS, "diskominfo")
    assert [(o.id, o.role, o.opd) for o in officers] == [
        ("dinkes-ppid", OfficerRole.PPID, "dinkes"),
        ("dinkes-atasan", OfficerRole.ATASAN, "dinkes"),
        ("dindikbud-ppid", OfficerRole.PPID, "dindikbud"),
        ("dindikbud-atasan", OfficerRole.ATASAN, "dindikbud"),
        ("ppid-utama", OfficerRole.PPID_UTAMA, None),
    ]
    config = config_with([officer.config_entry() for officer in officers])
    directory = OfficerDirectory.from_config(config)
    for officer in officers:
        found = directory.by_key(officer.key)
        assert found is not None and found.id == officer.id
        assert officer.key not in yaml.safe_dump(officer.config_entry())
        assert officer.key not in repr(officer)


def test_the_keys_are_private_and_reused_on_the_next_run(tmp_path: Path) -> None:
    first = demo_officers(tmp_path, SLUGS, "diskominfo")
    path = tmp_path / OFFICER_KEYS_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    again = demo_officers(tmp_path, SLUGS, "diskominfo")
    assert [o.key for o in again] == [o.key for o in first]
    assert len({o.key for o in first}) == len(first)


def test_a_smaller_fleet_gets_officers_of_the_opds_it_has(tmp_path: Path) -> None:
    officers = demo_officers(tmp_path, ["diskominfo", "bappeda", "dishub"], "diskominfo")
    assert [o.opd for o in officers] == ["bappeda", "bappeda", "dishub", "dishub", None]
    alone = demo_officers(tmp_path, ["diskominfo"], "diskominfo")
    assert [o.id for o in alone] == ["ppid-utama"]
    assert alone[0].key == officers[-1].key  # PPID Utama's key survives a change of fleet
