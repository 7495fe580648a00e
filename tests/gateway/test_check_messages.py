"""``ppid-gateway check``: a misconfigured connector of any kind is named by OPD, key path and fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from rich.console import Console

from gateway.check import EXIT_INVALID_CONFIG, run_check
from gateway.config import ConfigError, parse_config

HEAD = """\
ppid_utama: diskominfo
opds:
  - slug: diskominfo
    name: Dinas Komunikasi dan Informatika
    short_name: Diskominfo
    connector: {kind: files, catalog: katalog.yaml}
  - slug: dinkes
    name: Dinas Kesehatan
    short_name: Dinkes
    connector:
"""

REST = "kind: rest\nbase_url: https://dinkes.example.go.id\n"
REST_DOCUMENTS = REST + (
    "documents:\n"
    "  list: {path: /api/dokumen, items: data}\n"
    "  fields: {id: id, title: judul, category: kategori}\n"
)
WORDPRESS = "kind: wordpress\nbase_url: https://dinkes.example.go.id\n"
CKAN = "kind: ckan\nbase_url: https://satudata.example.go.id\n"
SQL_COLUMNS = "table: dokumen\ncolumns: {id: id, title: judul, category: kategori}\n"
GRAPHQL = "kind: graphql\nendpoint: https://ppid.tangerangkab.go.id/graphql\n"

CASES = [
    # (id, connector block, key path, fragments the message must hold)
    (
        "rest-pagination-style",
        REST_DOCUMENTS.replace("items: data}", "items: data, pagination: {style: pages}}"),
        "opds[1].connector.documents.list.pagination.style",
        ["expected one of page, offset, cursor, next_link, none", "got 'pages'", "did you mean 'page'?"],
    ),
    (
        "rest-misspelt-key",
        REST + "documnets: {}\n",
        "opds[1].connector.documnets",
        ["unknown key", "did you mean 'documents'?", "base_url, timeout_s"],
    ),
    (
        "rest-missing-field",
        REST_DOCUMENTS.replace("title: judul, ", ""),
        "opds[1].connector.documents.fields.title",
        ["required key is missing", "add title", "body paths of each document field"],
    ),
    (
        "rest-category-label",
        REST_DOCUMENTS + "  values: {category: {Informasi Berkala: BERKLA}}\n",
        "opds[1].connector.documents.values.category['Informasi Berkala']",
        ["expected one of BERKALA, SERTA_MERTA, SETIAP_SAAT, DIKECUALIKAN", "did you mean 'BERKALA'?"],
    ),
    (
        "rest-order-key",
        REST_DOCUMENTS.replace("items: data}", "items: data, order: {param: sort, values: {NEWST: -id}}}"),
        "opds[1].connector.documents.list.order.values.NEWST",
        ["the key 'NEWST'", "expected one of NEWEST, OLDEST, TITLE", "did you mean 'NEWEST'?"],
    ),
    (
        "rest-wrong-type",
        REST + "timeout_s: soon\n",
        "opds[1].connector.timeout_s",
        ["expected a number", "got 'soon'"],
    ),
    (
        "rest-block-not-a-mapping",
        REST + "documents: yes\n",
        "opds[1].connector.documents",
        ["expected a mapping"],
    ),
    (
        "rest-no-base-url",
        "kind: rest\nprofile: {path: /api/profil}\n",
        "opds[1].connector.base_url",
        ["required key is missing", "add base_url", "root URL"],
    ),
    (
        "files-misspelt-catalog",
        "kind: files\ncatalogue: katalog.yaml\n",
        "opds[1].connector.catalogue",
        ["unknown key", "did you mean 'catalog'?"],
    ),
    (
        "files-missing-catalog-misspelt",
        "kind: files\ncatalogue: katalog.yaml\n",
        "opds[1].connector.catalog",
        ["required key is missing", "add catalog, the catalog file", "is 'catalogue' meant to be it?"],
    ),
    (
        "files-no-such-file",
        "kind: files\ncatalog: tidak-ada.yaml\n",
        "opds[1].connector.catalog",
        ["tidak-ada.yaml does not exist", "create it or fix the path"],
    ),
    (
        "files-format",
        "kind: files\ncatalog: katalog.yaml\nformat: xml\n",
        "opds[1].connector.format",
        ["expected one of auto, yaml, csv", "got 'xml'"],
    ),
    (
        "wordpress-source",
        WORDPRESS + "sources: [media, post]\n",
        "opds[1].connector.sources[1]",
        ["expected one of media, posts, pages", "did you mean 'posts'?"],
    ),
    (
        "wordpress-category",
        WORDPRESS + "categories: {informasi-berkala: berkala}\n",
        "opds[1].connector.categories.informasi-berkala",
        ["expected one of BERKALA", "did you mean 'BERKALA'?"],
    ),
    (
        "wordpress-half-auth",
        WORDPRESS + "username: admin\n",
        "opds[1].connector",
        ["set both username and password_env"],
    ),
    (
        "wordpress-misspelt-key",
        WORDPRESS + "pretty_permalink: false\n",
        "opds[1].connector.pretty_permalink",
        ["unknown key", "did you mean 'pretty_permalinks'?"],
    ),
    (
        "ckan-no-organization",
        CKAN,
        "opds[1].connector.organization",
        ["required key is missing", "add organization", "organization name on the portal"],
    ),
    (
        "ckan-organization-title",
        CKAN + "organization: Dinas Kesehatan\n",
        "opds[1].connector.organization",
        ["not a CKAN organization name", "use its URL name"],
    ),
    (
        "ckan-misspelt-default",
        CKAN + "organization: dinkes\ncategories: {defualt: BERKALA}\n",
        "opds[1].connector.categories.defualt",
        ["unknown key", "did you mean 'default'?"],
    ),
    (
        "sql-both-sources",
        "kind: sql\nurl_env: DINKES_DMS_URL\nsqlite_path: dms.db\n" + SQL_COLUMNS,
        "opds[1].connector",
        ["set exactly one of url_env and sqlite_path", "both are set"],
    ),
    (
        "sql-no-source",
        "kind: sql\n" + SQL_COLUMNS,
        "opds[1].connector",
        ["set exactly one of url_env and sqlite_path", "neither is set"],
    ),
    (
        "sql-missing-column",
        "kind: sql\nsqlite_path: dms.db\ntable: dokumen\ncolumns: {id: id, title: judul}\n",
        "opds[1].connector.columns.category",
        ["required key is missing", "add category", "KIP category"],
    ),
    (
        "sql-url-env-not-a-name",
        "kind: sql\nurl_env: postgresql://reader:secret@dms/dms\n" + SQL_COLUMNS,
        "opds[1].connector.url_env",
        ["expected the name of an environment variable", "never in this file"],
    ),
    (
        "sql-where-value",
        "kind: sql\nsqlite_path: dms.db\n" + SQL_COLUMNS + "where: {status: [terbit]}\n",
        "opds[1].connector.where.status",
        ["expected text, a whole number or true/false"],
    ),
    (
        "sql-misspelt-schema",
        "kind: sql\nsqlite_path: dms.db\nshema: public\n" + SQL_COLUMNS,
        "opds[1].connector.shema",
        ["unknown key", "did you mean 'schema'?"],
    ),
    (
        "graphql-no-upstream-opd",
        GRAPHQL,
        "opds[1].connector.upstream_opd",
        ["required key is missing", "add upstream_opd", "slug at the upstream"],
    ),
    (
        "graphql-misspelt-upstream-opd",
        GRAPHQL + "upstream_odp: dinkes\n",
        "opds[1].connector.upstream_odp",
        ["unknown key", "did you mean 'upstream_opd'?"],
    ),
    (
        "graphql-endpoint-not-a-url",
        "kind: graphql\nendpoint: ppid.tangerangkab.go.id/graphql\nupstream_opd: dinkes\n",
        "opds[1].connector.endpoint",
        ["expected an absolute URL"],
    ),
    (
        "graphql-upstream-slug",
        GRAPHQL + "upstream_opd: Dinas Kesehatan\n",
        "opds[1].connector.upstream_opd",
        ["is not an OPD slug", "the upstream's own slug"],
    ),
    (
        "unknown-kind",
        "kind: graphq\nendpoint: https://x.go.id/graphql\n",
        "opds[1].connector.kind",
        ["'graphq'", "did you mean 'graphql'?", "ckan, files, graphql, rest, sql, wordpress"],
    ),
    (
        "missing-kind",
        "endpoint: https://x.go.id/graphql\n",
        "opds[1].connector.kind",
        ["required key is missing", "ckan, files, graphql, rest, sql, wordpress"],
    ),
]


def config_text(block: str) -> str:
    return HEAD + textwrap.indent(block, " " * 6)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "katalog.yaml").write_text("documents: []\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("block", "key", "fragments"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_a_broken_connector_block_names_the_opd_the_key_and_the_fix(
    block: str, key: str, fragments: list[str], folder: Path
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(config_text(block), source="banten.yaml", base_dir=folder)

    [problem] = [problem for problem in caught.value.problems if problem.key == key]
    assert problem.opd == "dinkes"
    [rendered] = [
        line for line in caught.value.render().splitlines() if line.startswith(f"banten.yaml: {key}: ")
    ]
    assert rendered.endswith("(OPD dinkes)")
    for fragment in fragments:
        assert fragment in problem.message, problem.message


@pytest.mark.parametrize(
    "case", [c for c in CASES if c[0] in {"rest-pagination-style", "sql-no-source", "unknown-kind"}], ids=str
)
def test_check_prints_the_same_lines_and_exits_2(case: tuple[str, str, str, list[str]], folder: Path) -> None:
    _, block, key, fragments = case
    path = folder / "banten.yaml"
    path.write_text(config_text(block), encoding="utf-8")
    console = Console(record=True, width=400)

    assert run_check(path, console) == EXIT_INVALID_CONFIG

    [line] = [line for line in console.export_text().splitlines() if key in line]
    assert line.strip().startswith(f"{path}: {key}: ")
    assert line.rstrip().endswith("(OPD dinkes)")
    assert all(fragment in line for fragment in fragments)


def test_problems_outside_opds_name_no_opd() -> None:
    text = config_text("kind: files\ncatalog: katalog.yaml\n").replace("ppid_utama: diskominfo\n", "")
    text += "federation: {dedline_s: 4}\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text)

    [problem] = caught.value.problems
    assert (problem.key, problem.opd) == ("federation.dedline_s", "")
    assert "did you mean 'deadline_s'?" in problem.message
    assert "(OPD" not in caught.value.render()


def test_a_problem_in_an_opd_entry_itself_names_that_opd() -> None:
    text = config_text("kind: files\ncatalog: katalog.yaml\n").replace("    short_name: Dinkes\n", "")
    with pytest.raises(ConfigError) as caught:
        parse_config(text)

    [problem] = caught.value.problems
    assert (problem.key, problem.opd) == ("opds[1].short_name", "dinkes")
    assert problem.message == "required key is missing"
