"""The ``database:`` section of the config file."""

from __future__ import annotations

import pytest

from gateway.config import ConfigError, DatabaseConfig, GatewayConfig, parse_config
from gateway.ledger.engine import describe_database, ledger_url

MINIMAL = """
ppid_utama: diskominfo
opds:
  - slug: diskominfo
    name: Dinas Komunikasi, Informatika, Statistik dan Persandian
    short_name: Diskominfo
    connector: {kind: files, catalog: catalog.yaml}
"""


def test_the_default_is_a_sqlite_file_beside_the_gateway() -> None:
    config = GatewayConfig.model_fields["database"].default
    assert isinstance(config, DatabaseConfig)
    assert config.url == "sqlite+aiosqlite:///ppid-gateway.db"
    assert (config.echo, config.pool_size) == (False, 5)


def test_a_bad_url_is_named_without_repeating_it() -> None:
    text = MINIMAL + "database: {url: 'mysql://ppid:hunter2@db/ppid'}\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="banten.yaml")
    [problem] = caught.value.problems
    assert problem.key == "database.url"
    assert "postgresql+asyncpg://" in problem.message
    assert "hunter2" not in str(caught.value)


def test_an_in_memory_sqlite_database_is_refused() -> None:
    with pytest.raises(ValueError, match="in-memory"):
        DatabaseConfig(url="sqlite+aiosqlite:///:memory:")


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///data/ledger.db", "sqlite+aiosqlite:///data/ledger.db"),
        ("postgresql://ppid@db:5432/ppid", "postgresql+asyncpg://ppid@db:5432/ppid"),
        ("postgresql+asyncpg://ppid@db/ppid", "postgresql+asyncpg://ppid@db/ppid"),
    ],
)
def test_urls_without_a_driver_get_the_async_one(given: str, used: str) -> None:
    DatabaseConfig(url=given)
    assert ledger_url(given).render_as_string() == used


def test_the_database_is_described_without_password_or_query() -> None:
    url = ledger_url("postgresql://ppid:hunter2@db.banten.go.id/ppid?password=hunter2&sslmode=require")
    assert describe_database(url) == "postgresql+asyncpg://ppid@db.banten.go.id:5432/ppid"
