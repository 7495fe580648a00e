"""The config validator: every error names the file, the key path and what is expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import ConfigError, load_config, parse_config
from gateway.config_problems import format_key_path

VALID = """
title: PPID Test
ppid_utama: diskominfo
federation: {opd_timeout_s: 1.5, deadline_s: 4}
opds:
  - slug: diskominfo
    name: Dinas Komunikasi, Informatika, Statistik dan Persandian
    short_name: Diskominfo
    connector:
      kind: rest
      base_url: https://diskominfo.example.go.id
      documents:
        list: {path: /api/documents, items: data, total: meta.total}
        fields: {id: id, title: judul, category: kategori}
  - slug: dinkes
    name: Dinas Kesehatan
    short_name: Dinkes
    active_from: 2020-01-01
    connector:
      kind: rest
      base_url: https://dinkes.example.go.id
      profile: {path: /api/profil, root: data}
"""


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="banten.yaml")
    return [(p.key, p.message) for p in caught.value.problems]


def test_a_valid_config_yields_typed_objects_with_validated_connector_settings() -> None:
    config = parse_config(VALID)
    assert [opd.slug for opd in config.opds] == ["diskominfo", "dinkes"]
    assert config.federation.opd_timeout_s == 1.5
    resolved = config.opds[0].resolved_connector
    assert resolved.kind == "rest"
    assert str(resolved.settings.base_url) == "https://diskominfo.example.go.id/"  # type: ignore[attr-defined]
    assert config.opd("dinkes") is config.opds[1]


def test_a_connector_setting_error_names_the_opd_index_and_the_key_path() -> None:
    text = VALID.replace("base_url: https://dinkes.example.go.id", "base_url: not a url")
    [(key, message)] = problems_of(text)
    assert key == "opds[1].connector.base_url"
    assert "absolute URL" in message


def test_a_missing_required_key_is_named() -> None:
    text = VALID.replace("    short_name: Dinkes\n", "")
    [(key, message)] = problems_of(text)
    assert key == "opds[1].short_name"
    assert message == "required key is missing"


def test_a_misspelt_key_is_reported_as_unknown() -> None:
    text = VALID.replace("deadline_s: 4", "dedline_s: 4")
    [(key, message)] = problems_of(text)
    assert key == "federation.dedline_s"
    assert "unknown key" in message


def test_an_unknown_connector_kind_lists_the_known_ones() -> None:
    text = VALID.replace(
        "kind: rest\n      base_url: https://dinkes", "kind: joomla\n      base_url: https://dinkes"
    )
    [(key, message)] = problems_of(text)
    assert key == "opds[1].connector.kind"
    assert "'joomla'" in message and "rest" in message and "files" in message


def test_duplicate_slugs_and_an_unknown_ppid_utama_are_refused() -> None:
    assert "appears twice" in problems_of(VALID.replace("slug: dinkes", "slug: diskominfo"))[0][1]
    assert "ppid_utama" in problems_of(VALID.replace("ppid_utama: diskominfo", "ppid_utama: nowhere"))[0][1]


def test_every_problem_is_reported_at_once() -> None:
    text = VALID.replace("deadline_s: 4", "deadline_s: -1").replace("slug: dinkes", "slug: Dinkes!")
    keys = {key for key, _ in problems_of(text)}
    assert keys == {"federation.deadline_s", "opds[1].slug"}


def test_broken_yaml_names_the_line() -> None:
    [(key, message)] = problems_of("opds:\n  - slug: [unclosed\n")
    assert key == ""
    assert "line" in message


def test_an_unreadable_file_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(missing)
    assert str(missing) in caught.value.render()


def test_render_puts_file_key_and_message_on_one_line() -> None:
    error = ConfigError("banten.yaml", [])
    assert error.render() == ""
    text = VALID.replace("deadline_s: 4", "deadline_s: 0")
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="banten.yaml")
    assert caught.value.render().startswith("banten.yaml: federation.deadline_s: ")


def test_key_paths_are_formatted_like_the_yaml() -> None:
    assert format_key_path(("opds", 3, "connector", "base_url")) == "opds[3].connector.base_url"
    assert format_key_path(("values", "Informasi Berkala"), "opds[0].connector") == (
        "opds[0].connector.values['Informasi Berkala']"
    )
