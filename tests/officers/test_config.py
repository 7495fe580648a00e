"""The config's officers: keys only as SHA-256, every entry checked with the file and key path named."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from gateway.config import ConfigError, parse_config
from gateway.kip.roles import OfficerRole

KEY = "pH68wPqPzMWGFwYhRBOKy6aonqGVr2X2zT84Pyb0rRg"
DIGEST = hashlib.sha256(KEY.encode()).hexdigest()
OTHER_DIGEST = hashlib.sha256(b"another key").hexdigest()

MOCK = {"kind": "rest", "base_url": "https://ppid.example.go.id"}
OPDS = [
    {"slug": "diskominfo", "name": "Dinas Kominfo", "short_name": "Diskominfo", "connector": MOCK},
    {"slug": "dinkes", "name": "Dinas Kesehatan", "short_name": "Dinkes", "connector": MOCK},
]


def officer(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": "dinkes-ppid",
        "name": "PPID Pembantu Dinkes",
        "role": "PPID",
        "opd": "dinkes",
        "key_sha256": DIGEST,
    }
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


def config_text(*officers: dict[str, object]) -> str:
    return yaml.safe_dump({"ppid_utama": "diskominfo", "opds": OPDS, "officers": list(officers)})


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="banten.yaml")
    return [(p.key, p.message) for p in caught.value.problems]


def test_officers_are_read_with_their_role_opd_and_key_digest() -> None:
    config = parse_config(
        config_text(
            officer(key_sha256=DIGEST.upper()),
            officer(id="dinkes-atasan", role="ATASAN", key_sha256=OTHER_DIGEST),
            officer(id="ppid-utama", role="PPID_UTAMA", opd=None, key_sha256="ab" * 32),
        )
    )
    ppid, atasan, utama = config.officers
    assert (ppid.role, ppid.opd, ppid.key_sha256) == (OfficerRole.PPID, "dinkes", DIGEST)
    assert (atasan.role, atasan.opd) == (OfficerRole.ATASAN, "dinkes")
    assert (utama.role, utama.opd) == (OfficerRole.PPID_UTAMA, None)


def test_a_config_without_officers_has_none() -> None:
    assert parse_config(yaml.safe_dump({"ppid_utama": "diskominfo", "opds": OPDS})).officers == ()


@pytest.mark.parametrize(
    "not_a_digest",
    [KEY, "12345", "g" * 64, DIGEST + "0", 12345],
    ids=["the-key-itself", "short", "not-hex", "long", "int"],
)
def test_a_key_digest_must_be_64_hex_digits_and_is_never_quoted(not_a_digest: object) -> None:
    [(key, message)] = problems_of(config_text(officer(key_sha256=not_a_digest)))
    assert key == "officers[0].key_sha256"
    assert "64 hex digits" in message and "ppid-gateway officer-key" in message
    assert str(not_a_digest) not in message


def test_every_role_but_ppid_utama_needs_an_opd_and_ppid_utama_has_none() -> None:
    [(key, message)] = problems_of(config_text(officer(role="ATASAN", opd=None)))
    assert key == "officers[0]" and "add opd" in message
    [(key, message)] = problems_of(config_text(officer(role="PPID_UTAMA")))
    assert key == "officers[0]" and "remove opd" in message


def test_an_unknown_role_lists_the_roles() -> None:
    [(key, message)] = problems_of(config_text(officer(role="ADMIN")))
    assert key == "officers[0].role"
    assert "PPID" in message and "ATASAN" in message and "PPID_UTAMA" in message and "'ADMIN'" in message


def test_an_officers_opd_must_be_in_opds() -> None:
    [(key, message)] = problems_of(config_text(officer(opd="dinsos")))
    assert key == ""
    assert message == "officers[0].opd 'dinsos' is not the slug of any OPD in opds"


def test_ids_and_keys_are_each_an_officers_own() -> None:
    [(_, message)] = problems_of(config_text(officer(), officer(key_sha256=OTHER_DIGEST)))
    assert message.startswith("officers[1].id 'dinkes-ppid' is also the id of officers[0]")
    same_key = officer(id="dinkes-ppid-2", key_sha256=DIGEST.upper())
    [(_, message)] = problems_of(config_text(officer(), same_key))
    assert message.startswith("officers[1].key_sha256 is also the key of officers[0]")
    assert DIGEST not in message


def test_an_officer_id_is_a_short_lower_case_name() -> None:
    [(key, _)] = problems_of(config_text(officer(id="Dinkes PPID")))
    assert key == "officers[0].id"
    [(key, _)] = problems_of(config_text(officer(extra="x")))
    assert key == "officers[0].extra"
