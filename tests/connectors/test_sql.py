"""The ``sql`` connector against a DMS table written by ``simulator.sql_dms``, on SQLite and PostgreSQL."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from connectors.errors import (
    ConnectorConfigError,
    InvalidToken,
    UpstreamBadResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.filtering import document_matches, order_key
from connectors.queries import DocumentFilter, DocumentOrder, DocumentQuery, OpdRef
from connectors.records import Document, InformationCategory
from connectors.registry import connector_class
from connectors.sql import SqlConnector, SqlSettings
from gateway.config import ConfigError, parse_config
from simulator import sql_dms
from simulator.directory import load_opds
from simulator.seed import IdStyle, OpdSeed, seed_opd

OPD = next(opd for opd in load_opds() if opd.slug == "bpbd")
SEEDS = {style: seed_opd(OPD, style) for style in (IdStyle.NUMERIC, IdStyle.SLUG)}
SEED = SEEDS[IdStyle.NUMERIC]
REF = OpdRef(slug=OPD.slug, name=OPD.name)
URL_VARIABLE = "PPID_TEST_DMS_URL"
HOSTILE = ("%", "_", "'; DROP TABLE dokumen; --", "100%_'\"\\")
C = InformationCategory


def _expected(seed: OpdSeed, flt: DocumentFilter, order: DocumentOrder | None) -> list[Document]:
    """What the engine would produce from the full list: its filter and its order."""
    wanted = [doc for doc in seed.documents if document_matches(doc, flt)]
    if order is None:
        return sorted(wanted, key=lambda doc: doc.local_id)
    return sorted(wanted, key=lambda doc: order_key(doc, order))


async def _all(connector: SqlConnector, query: DocumentQuery) -> list[Document]:
    """Every page, following tokens; fails on a page that repeats an id."""
    items: list[Document] = []
    token: str | None = None
    while True:
        page = await connector.list_documents(
            DocumentQuery(filter=query.filter, order=query.order, page_size=query.page_size, token=token)
        )
        items.extend(page.items)
        if page.next_token is None:
            return items
        assert page.items, "a page with a next token has items"
        token = page.next_token


def _connector(block: dict[str, Any], http: httpx.AsyncClient, **context: Any) -> SqlConnector:
    settings = SqlSettings.model_validate({k: v for k, v in block.items() if k != "kind"}, context=context)
    return SqlConnector(REF, settings, http)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """An unused shared client, as the gateway passes one to every connector."""
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
async def dms_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database holding the numeric-id seed's DMS table; its URL is also in ``PPID_TEST_DMS_URL``."""
    await sql_dms.write_dms(SEED, database_url)
    monkeypatch.setenv(URL_VARIABLE, database_url)
    return database_url


@pytest.fixture
async def connector(dms_url: str, http: httpx.AsyncClient) -> AsyncIterator[SqlConnector]:
    """A connector reading the DMS through ``url_env``."""
    made = _connector(sql_dms.connector_block(url_env=URL_VARIABLE), http)
    try:
        yield made
    finally:
        await made.aclose()


async def test_every_row_maps_to_the_seed_document(connector: SqlConnector) -> None:
    items = await _all(connector, DocumentQuery(page_size=1000))

    assert len(items) == len(SEED.documents)
    by_id = {doc.local_id: doc for doc in items}
    for expected in SEED.documents:
        assert by_id[expected.local_id] == expected.model_copy(update={"exemption_ground": None})
    assert {doc.category for doc in items} == set(InformationCategory)  # the default category included


async def test_drafts_outside_where_are_never_served(connector: SqlConnector) -> None:
    items = await _all(connector, DocumentQuery(page_size=50))

    assert not any(doc.local_id.startswith("draf-") for doc in items)
    assert await connector.get_document("draf-1") is None


async def test_get_document_by_id(connector: SqlConnector) -> None:
    expected = SEED.documents[3]

    assert await connector.get_document(expected.local_id) == expected.model_copy(
        update={"exemption_ground": None}
    )
    assert await connector.get_document("no-such-id") is None


@pytest.mark.parametrize("order", [None, DocumentOrder.NEWEST, DocumentOrder.OLDEST])
@pytest.mark.parametrize("page_size", [1, 7, 50, 1000])
async def test_pagination_visits_every_row_once_in_order(
    connector: SqlConnector, order: DocumentOrder | None, page_size: int
) -> None:
    items = await _all(connector, DocumentQuery(order=order, page_size=page_size))

    assert [doc.local_id for doc in items] == [
        doc.local_id for doc in _expected(SEED, DocumentFilter(), order)
    ]


async def test_a_token_keeps_its_page_size_and_a_foreign_token_is_refused(connector: SqlConnector) -> None:
    first = await connector.list_documents(DocumentQuery(page_size=5))
    second = await connector.list_documents(DocumentQuery(page_size=40, token=first.next_token))

    assert len(second.items) == 5
    assert first.total == second.total == len(SEED.documents)
    for token in ("abc", "3", "1.0", "1.99999", "'; DROP TABLE dokumen; --"):
        with pytest.raises(InvalidToken):
            await connector.list_documents(DocumentQuery(token=token))


def test_pushdown_declares_what_the_table_can_do(http: httpx.AsyncClient) -> None:
    block = sql_dms.connector_block(sqlite_path="/nonexistent/dms.db")
    full = _connector(block, http)
    bare = _connector(
        {**block, "columns": {"id": "id_dokumen", "title": "judul", "category": "kategori"}}, http
    )

    assert (full.pushdown.categories, full.pushdown.years, full.pushdown.orders) == (
        True,
        True,
        frozenset({"NEWEST", "OLDEST"}),
    )
    assert not (full.pushdown.query or full.pushdown.type)
    assert (bare.pushdown.years, bare.pushdown.orders) == (False, frozenset())


FILTERS = [
    DocumentFilter(categories=frozenset({C.DIKECUALIKAN})),
    DocumentFilter(categories=frozenset({C.SETIAP_SAAT})),  # the category map's default
    DocumentFilter(categories=frozenset({C.BERKALA, C.SETIAP_SAAT})),
    DocumentFilter(categories=frozenset({C.BERKALA, C.SERTA_MERTA})),
    DocumentFilter(year_from=2023),
    DocumentFilter(year_to=2022),
    DocumentFilter(year_from=2022, year_to=2023, categories=frozenset({C.SERTA_MERTA, C.BERKALA})),
    DocumentFilter(year_from=2099),
]


@pytest.mark.parametrize("order", [None, DocumentOrder.NEWEST, DocumentOrder.OLDEST])
@pytest.mark.parametrize("flt", FILTERS, ids=repr)
async def test_each_pushdown_equals_engine_side_filtering(
    connector: SqlConnector, flt: DocumentFilter, order: DocumentOrder | None
) -> None:
    expected = _expected(SEED, flt, order)
    first = await connector.list_documents(DocumentQuery(filter=flt, order=order, page_size=4))
    items = await _all(connector, DocumentQuery(filter=flt, order=order, page_size=4))

    assert [doc.local_id for doc in items] == [doc.local_id for doc in expected]
    assert first.total == len(expected)


async def test_exempt_documents_have_no_file_though_the_dms_keeps_one(
    connector: SqlConnector, dms_url: str
) -> None:
    exempt = await _all(
        connector, DocumentQuery(filter=DocumentFilter(categories=frozenset({C.DIKECUALIKAN})))
    )
    engine = create_async_engine(dms_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            stored = await connection.scalar(
                sa.text(
                    "SELECT count(*) FROM dokumen WHERE kategori = 'dikecualikan' AND url_berkas IS NOT NULL"
                )
            )
    finally:
        await engine.dispose()

    assert exempt and stored == len(exempt)
    assert all(doc.file_url is None and doc.mime_type is None and doc.size_bytes is None for doc in exempt)


async def _row_count(url: str) -> int:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(sa.text("SELECT count(*) FROM dokumen")) or 0)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_text_is_only_ever_data(
    connector: SqlConnector, dms_url: str, http: httpx.AsyncClient, text: str
) -> None:
    rows = await _row_count(dms_url)
    flt = DocumentFilter(query=text, type=text)
    # The query and the type are left to the engine; what the connector returns, filtered as the
    # engine does, is what the engine would keep from the full list.
    listed = await _all(connector, DocumentQuery(filter=flt, page_size=10))
    assert [doc for doc in listed if document_matches(doc, flt)] == _expected(SEED, flt, None)
    assert await connector.get_document(text) is None
    # A hostile value in the configuration's value maps is a bound parameter too.
    block = sql_dms.connector_block(url_env=URL_VARIABLE)
    block["where"] = {"status": text}
    block["categories"] = {"values": {text: "BERKALA"}, "default": "SETIAP_SAAT"}
    hostile = _connector(block, http)
    try:
        page = await hostile.list_documents(
            DocumentQuery(filter=DocumentFilter(categories=frozenset({C.BERKALA})))
        )
    finally:
        await hostile.aclose()

    assert page.items == () and page.total == 0
    assert await _row_count(dms_url) == rows


@pytest.mark.parametrize(
    ("field", "column"), [("summary", "ringkasan_x"), ("year", "tahun_terbit"), ("id", "id")]
)
async def test_a_missing_column_is_a_bad_response_naming_it(
    dms_url: str, http: httpx.AsyncClient, field: str, column: str
) -> None:
    block = sql_dms.connector_block(url_env=URL_VARIABLE)
    block["columns"] = {**block["columns"], field: column}
    made = _connector(block, http)
    try:
        with pytest.raises(UpstreamBadResponse, match=column) as raised:
            await made.list_documents(DocumentQuery())
        with pytest.raises(UpstreamBadResponse, match=column):
            await made.get_document("1")
    finally:
        await made.aclose()

    assert raised.value.field == column


async def test_a_missing_table_is_a_bad_response_naming_it(dms_url: str, http: httpx.AsyncClient) -> None:
    made = _connector({**sql_dms.connector_block(url_env=URL_VARIABLE), "table": "arsip"}, http)
    try:
        with pytest.raises(UpstreamBadResponse, match="arsip"):
            await made.probe()
    finally:
        await made.aclose()


async def test_the_connection_is_read_only(connector: SqlConnector, dms_url: str) -> None:
    await connector.list_documents(DocumentQuery(page_size=1))
    rows = await _row_count(dms_url)

    with pytest.raises(sa.exc.DBAPIError, match=r"(?i)read.?only"):
        async with connector.engine.begin() as connection:
            await connection.execute(sa.text("DELETE FROM dokumen"))
    assert await _row_count(dms_url) == rows


async def test_a_sqlite_path_reads_the_file_relative_to_the_config_dir(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    (tmp_path / "data").mkdir()
    await sql_dms.write_dms(SEEDS[IdStyle.SLUG], f"sqlite+aiosqlite:///{tmp_path / 'data' / 'dms.db'}")
    made = _connector(sql_dms.connector_block(sqlite_path="data/dms.db"), http, config_dir=tmp_path)
    try:
        items = await _all(made, DocumentQuery(order=DocumentOrder.NEWEST, page_size=9))
    finally:
        await made.aclose()

    assert made.settings.sqlite_path == tmp_path / "data" / "dms.db"
    expected = _expected(SEEDS[IdStyle.SLUG], DocumentFilter(), DocumentOrder.NEWEST)
    assert [doc.local_id for doc in items] == [doc.local_id for doc in expected]


async def test_a_missing_sqlite_file_is_unavailable_and_not_created(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    made = _connector(sql_dms.connector_block(sqlite_path=tmp_path / "gone.db"), http)
    try:
        with pytest.raises(UpstreamUnavailable):
            await made.list_documents(DocumentQuery())
        with pytest.raises(UpstreamUnavailable):
            await made.get_document("1")
    finally:
        await made.aclose()

    assert not (tmp_path / "gone.db").exists()


async def test_a_database_that_refuses_connections_is_unavailable(
    database_url: str, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a closed port is a PostgreSQL matter; SQLite's down case is the missing file")
    monkeypatch.setenv(URL_VARIABLE, url.set(host="127.0.0.1", port=1).render_as_string(hide_password=False))
    made = _connector(sql_dms.connector_block(url_env=URL_VARIABLE), http)
    try:
        with pytest.raises(UpstreamUnavailable):
            await made.probe()
    finally:
        await made.aclose()


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"table": "dokumen publik"}, "identifier"),
        ({"table": 'dokumen"; DROP TABLE dokumen; --'}, "identifier"),
        ({"schema": "public.x"}, "identifier"),
        ({"columns": {"id": "id_dokumen", "title": "'judul'", "category": "kategori"}}, "identifier"),
        ({"columns": {"id": "id_dokumen", "title": "judul"}}, "category"),
        ({"where": {"status = 'terbit' OR 1": "x"}}, "identifier"),
        ({"url_env": "DMS_URL"}, "exactly one"),
        ({"sqlite_path": None}, "exactly one"),
        ({"pool_size": 0}, "pool_size"),
        ({"categories": {"values": {"berkala": "PUBLIK"}}}, "categories"),
    ],
)
def test_settings_refuse_unsafe_or_incomplete_blocks(change: dict[str, Any], complaint: str) -> None:
    block = {**sql_dms.connector_block(sqlite_path="dms.db"), **change}
    block.pop("kind")
    if block.get("sqlite_path") is None:
        block.pop("sqlite_path")

    with pytest.raises(ValidationError, match=complaint):
        SqlSettings.model_validate(block)


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        (None, URL_VARIABLE),
        ("not a url", URL_VARIABLE),
        ("mysql+aiomysql://u:p@localhost/dms", "postgresql\\+asyncpg"),
        ("sqlite+aiosqlite://", "in-memory"),
    ],
)
def test_an_unusable_database_url_is_a_config_error(
    value: str | None, complaint: str, monkeypatch: pytest.MonkeyPatch, http: httpx.AsyncClient
) -> None:
    if value is None:
        monkeypatch.delenv(URL_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(URL_VARIABLE, value)

    with pytest.raises(ConnectorConfigError, match=complaint):
        _connector(sql_dms.connector_block(url_env=URL_VARIABLE), http)


def test_a_sql_block_validates_through_the_config_loader(tmp_path: Path) -> None:
    config = parse_config(
        textwrap.dedent(
            """\
            ppid_utama: bpbd
            opds:
              - slug: bpbd
                name: Badan Penanggulangan Bencana Daerah
                short_name: BPBD
                connector:
                  kind: sql
                  sqlite_path: dms/bpbd.db
                  schema: main
                  table: dokumen
                  columns: {id: id_dokumen, title: judul, category: kategori, year: tahun}
                  categories: {values: {berkala: BERKALA}, default: SERTA_MERTA}
                  where: {status: terbit, aktif: true}
            """
        ),
        base_dir=tmp_path,
    )

    (resolved,) = (opd.resolved_connector for opd in config.opds)
    assert (resolved.kind, resolved.cls) == ("sql", SqlConnector)
    assert connector_class("sql") is SqlConnector
    settings = resolved.settings
    assert isinstance(settings, SqlSettings)
    assert settings.sqlite_path == tmp_path / "dms" / "bpbd.db"
    assert (settings.schema_, settings.table, settings.columns.year) == ("main", "dokumen", "tahun")
    assert settings.categories.category_of("lainnya") is C.SERTA_MERTA
    assert settings.where == {"status": "terbit", "aktif": True}


def test_a_bad_sql_block_is_reported_by_key_path(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        ppid_utama: bpbd
        opds:
          - slug: bpbd
            name: Badan Penanggulangan Bencana Daerah
            short_name: BPBD
            connector:
              kind: sql
              url_env: DMS_URL
              table: "dokumen x"
              columns: {id: a, title: b, category: c}
        """
    )
    with pytest.raises(ConfigError, match=r"connector\.table"):
        parse_config(text, base_dir=tmp_path)


async def test_a_query_slower_than_the_timeout_is_an_upstream_timeout(
    dms_url: str, http: httpx.AsyncClient
) -> None:
    if make_url(dms_url).get_backend_name() != "postgresql":
        pytest.skip("a slow query is made with pg_sleep")
    engine = create_async_engine(dms_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                sa.text("CREATE VIEW dokumen_lambat AS SELECT d.* FROM dokumen d CROSS JOIN pg_sleep(2)")
            )
    finally:
        await engine.dispose()
    block = {**sql_dms.connector_block(url_env=URL_VARIABLE), "table": "dokumen_lambat", "timeout_s": 0.3}
    made = _connector(block, http)
    try:
        with pytest.raises(UpstreamTimeout, match=r"0\.3s"):
            await made.list_documents(DocumentQuery())
    finally:
        await made.aclose()


async def test_reads_go_on_after_the_database_drops_every_connection(
    connector: SqlConnector, dms_url: str
) -> None:
    if make_url(dms_url).get_backend_name() != "postgresql":
        pytest.skip("a restart is simulated by terminating the PostgreSQL sessions")
    first = await connector.list_documents(DocumentQuery(page_size=5))
    assert first.items
    database = make_url(dms_url).database
    engine = create_async_engine(dms_url, poolclass=NullPool)
    try:
        async with engine.connect() as admin:
            ended = await admin.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            )
            assert ended.scalar_one() >= 1, "the connector's pooled connection was open"
    finally:
        await engine.dispose()
    again = await connector.list_documents(DocumentQuery(page_size=5))
    assert [doc.local_id for doc in again.items] == [doc.local_id for doc in first.items]
