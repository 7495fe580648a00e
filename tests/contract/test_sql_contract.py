"""The contract suite against the builtin ``sql`` connector reading a simulated DMS table.

The table is written by ``simulator.sql_dms`` on SQLite, and on PostgreSQL
when ``PPID_TEST_DATABASE_URL`` is set (the ``database_url`` fixture of
``tests/conftest.py``: otherwise those cases skip, saying so). The kit's
:class:`~connectors.testing.sql.SqlContractServer` makes the faults in the
database: the file gone or connections refused (unavailable), the title
column renamed (a bad response), a lock held on the table (a timeout).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool, QueuePool

from connectors import OpdRef
from connectors.base import Connector
from connectors.errors import UpstreamBadResponse, UpstreamUnavailable
from connectors.queries import DocumentQuery
from connectors.sql import SqlConnector, SqlSettings
from connectors.testing.server import ContractServer
from connectors.testing.sql import SqlContractServer
from connectors.testing.suite import *  # noqa: F403 - the whole contract suite runs here
from connectors.testing.suite import walk_documents
from simulator import sql_dms
from simulator.directory import load_opds
from simulator.seed import seed_opd

OPD = next(opd for opd in load_opds() if opd.slug == "bpbd")
SEED = seed_opd(OPD)
URL_VARIABLE = "PPID_CONTRACT_DMS_URL"
TITLE_COLUMN = sql_dms.connector_block(url_env=URL_VARIABLE)["columns"]["title"]
TIMEOUT_S = 0.5
"""The connector's timeout: the hang tests wait this long for each call."""


@pytest.fixture
async def fixture_server(database_url: str) -> AsyncIterator[ContractServer]:
    """The seed's DMS table (with its unpublished drafts) on each backend; the title column is the one broken.

    The expected documents are the seed's: the connector's ``where`` leaves the drafts out.
    """
    await sql_dms.write_dms(SEED, database_url)
    server = SqlContractServer(database_url, sql_dms.TABLE, SEED.documents, garbage_column=TITLE_COLUMN)
    try:
        yield server
    finally:
        await server.aclose()


@pytest.fixture
def connector_factory(monkeypatch: pytest.MonkeyPatch) -> Callable[[ContractServer], Connector]:
    """The sql connector configured by the DMS's own connector block, with a short timeout."""

    def make(server: ContractServer) -> Connector:
        monkeypatch.setenv(URL_VARIABLE, server.base_url)
        block = sql_dms.connector_block(url_env=URL_VARIABLE)
        block.pop("kind")
        settings = SqlSettings.model_validate({**block, "timeout_s": TIMEOUT_S})
        return SqlConnector(OpdRef(slug=OPD.slug, name=OPD.name), settings, server.http)

    return make


async def test_a_renamed_column_is_named_even_after_the_table_was_checked(
    contract_connector: Connector, fixture_server: ContractServer
) -> None:
    """The connector checks the columns on its first call; a later change must still name the column."""
    assert isinstance(fixture_server, SqlContractServer)
    await contract_connector.list_documents(DocumentQuery(page_size=1))
    await fixture_server.send_garbage()

    with pytest.raises(UpstreamBadResponse) as raised:
        await contract_connector.list_documents(DocumentQuery(page_size=1))

    assert raised.value.field == TITLE_COLUMN


async def test_every_call_while_the_database_is_down_is_unavailable(
    contract_connector: Connector, fixture_server: ContractServer
) -> None:
    """The kit's error test makes one call; the later ones connect anew, and must not read as bad answers.

    On PostgreSQL the first call finds its pooled connection terminated; the
    next ones are refused while connecting, with an ordinary server error.
    """
    assert isinstance(fixture_server, SqlContractServer)
    await fixture_server.fail_with(503)

    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await contract_connector.list_documents(DocumentQuery(page_size=1))
    await fixture_server.heal()
    assert (await contract_connector.list_documents(DocumentQuery(page_size=1))).items


async def test_aclose_closes_every_connection_it_opened(
    fixture_server: ContractServer, connector_factory: Callable[[ContractServer], Connector]
) -> None:
    """The kit's lifecycle test sees HTTP responses only; a SQL connector's resources are its connections."""
    connector = connector_factory(fixture_server)
    assert isinstance(connector, SqlConnector)
    try:
        await walk_documents(connector, page_size=5)
        pool = connector.engine.pool
        assert isinstance(pool, QueuePool)
        opened = pool.checkedin()
        await connector.aclose()
        left = pool.checkedin()
        if connector.engine.dialect.name == "postgresql":
            # Ask the server too: no session of this database is left but the one asking.
            engine = create_async_engine(fixture_server.base_url, poolclass=NullPool)
            try:
                async with engine.connect() as connection:
                    left += int(
                        await connection.scalar(
                            sa.text(
                                "SELECT count(*) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                            )
                        )
                        or 0
                    )
            finally:
                await engine.dispose()
    finally:
        await connector.aclose()

    assert opened >= 1, "the walk should have left a pooled connection, or this test proves nothing"
    assert left == 0
