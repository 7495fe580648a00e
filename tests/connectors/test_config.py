"""Both builtin connectors' settings validate through the gateway's config loader, errors by key path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from connectors.files import FilesConnector, FilesSettings
from connectors.rest import RestConnector, RestSettings
from gateway.config import ConfigError, parse_config

CONFIG = """\
ppid_utama: dinkes
opds:
  - slug: dinkes
    name: Dinas Kesehatan
    short_name: Dinkes
    connector:
      kind: rest
      base_url: https://dinkes.example.go.id
      auth: {type: api_key, token_env: DINKES_KEY}
      documents:
        list:
          path: LIST_PATH
          items: data
          total: meta.total
          filters: {query: q}
          order: {param: sort, values: {NEWEST: -published_at}}
        item: {path: "/api/documents/{id}", root: data}
        fields: {id: id, title: judul, category: kategori}
        values:
          category: {Informasi Berkala: BERKALA}
  - slug: dpk
    name: Dinas Perpustakaan dan Kearsipan
    short_name: DPK
    connector:
      kind: files
      catalog: katalog/dpk.yaml
      files_base_url: https://dpk.example.go.id/berkas/
"""


def test_a_config_with_both_kinds_validates_into_typed_settings(tmp_path: Path) -> None:
    (tmp_path / "katalog").mkdir()
    (tmp_path / "katalog" / "dpk.yaml").write_text("documents: []\n", encoding="utf-8")

    config = parse_config(CONFIG.replace("LIST_PATH", "/api/documents"), base_dir=tmp_path)

    rest, files = (opd.resolved_connector for opd in config.opds)
    assert (rest.kind, rest.cls) == ("rest", RestConnector)
    assert isinstance(rest.settings, RestSettings)
    assert rest.settings.documents is not None
    assert rest.settings.documents.list.path == "/api/documents"
    assert (files.kind, files.cls) == ("files", FilesConnector)
    assert isinstance(files.settings, FilesSettings)
    assert files.settings.catalog == (tmp_path / "katalog" / "dpk.yaml").resolve()


def test_errors_in_connector_blocks_name_their_key_paths(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(CONFIG.replace("LIST_PATH", "[not, a, path]"), source="gateway.yaml", base_dir=tmp_path)

    keys = {problem.key: problem.message for problem in caught.value.problems}
    assert "opds[0].connector.documents.list.path" in keys
    assert "opds[1].connector.catalog" in keys
    assert "does not exist" in keys["opds[1].connector.catalog"]
    assert "gateway.yaml: opds[0].connector.documents.list.path:" in str(caught.value)


@pytest.mark.parametrize(
    ("block", "key", "message"),
    [
        ("kind: rest\n  base_url: dinkes.example.go.id", "opds[0].connector.base_url", "absolute URL"),
        (
            "kind: rest\n  base_url: https://x.go.id\n  auth: {type: bearer}",
            "opds[0].connector.auth",
            "token_env",
        ),
        (
            "kind: rest\n  base_url: https://x.go.id\n  documents:\n    list: {path: /d}\n"
            "    item: {path: /d/1}\n    fields: {id: id, title: t, category: c}",
            "opds[0].connector.documents.item.path",
            "{id}",
        ),
        (
            "kind: rest\n  base_url: https://x.go.id\n  documents:\n"
            "    list: {path: /d, pagination: {style: cursor}}\n    fields: {id: id, title: t, category: c}",
            "opds[0].connector.documents.list.pagination",
            "next_cursor",
        ),
        ("kind: files\n  catalog: katalog.yaml\n  colour: red", "opds[0].connector.colour", "unknown key"),
    ],
)
def test_connector_settings_errors_say_what_is_expected(
    block: str, key: str, message: str, tmp_path: Path
) -> None:
    (tmp_path / "katalog.yaml").write_text("documents: []\n", encoding="utf-8")
    text = (
        "ppid_utama: x\nopds:\n- slug: x\n  name: X\n  short_name: X\n  connector:\n    "
        + textwrap.indent(block, "  ").lstrip()
    )

    with pytest.raises(ConfigError) as caught:
        parse_config(text, base_dir=tmp_path)

    problems = {problem.key: problem.message for problem in caught.value.problems}
    assert key in problems, problems
    assert message in problems[key]
