"""The schema comes from the shipped Alembic migrations, and they agree with the code's tables."""

from __future__ import annotations

import asyncio
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from gateway.config import DatabaseConfig
from gateway.ledger import Ledger
from gateway.ledger.migration import MIGRATIONS

from .conftest import information_request

ROOT = Path(__file__).resolve().parents[2]


async def test_migrate_builds_the_schema_on_an_empty_database(unmigrated_ledger: Ledger) -> None:
    assert await unmigrated_ledger.schema_revision() is None
    await unmigrated_ledger.migrate()
    assert await unmigrated_ledger.schema_revision() == Ledger.head_revision() == "0002"
    async with unmigrated_ledger.transaction() as tx:
        row = await tx.insert_request(information_request())
    assert row.id >= 1


async def test_migrating_again_changes_nothing_and_keeps_the_data(ledger: Ledger) -> None:
    async with ledger.transaction() as tx:
        row = await tx.insert_request(information_request())
    await ledger.migrate()
    await ledger.migrate()
    async with ledger.transaction() as tx:
        assert await tx.get_request(row.id) == row
    assert await ledger.schema_revision() == Ledger.head_revision()


async def test_replicas_starting_together_migrate_one_after_the_other(
    unmigrated_ledger: Ledger, database_url: str
) -> None:
    async with await Ledger.open(DatabaseConfig(url=database_url)) as replica:
        await asyncio.gather(unmigrated_ledger.migrate(), replica.migrate())
        assert await replica.schema_revision() == Ledger.head_revision()


async def test_the_migrated_schema_matches_the_tables_in_code(ledger: Ledger) -> None:
    assert await ledger.schema_differences() == []


async def test_the_comparison_sees_a_schema_that_does_not_match(ledger: Ledger) -> None:
    await ledger.downgrade("base")
    differences = await ledger.schema_differences()
    assert any("add_table" in line and "requests" in line for line in differences)


async def test_downgrade_to_base_and_upgrade_again_gives_the_same_schema(ledger: Ledger) -> None:
    await ledger.downgrade("base")
    assert await ledger.schema_revision() is None
    await ledger.migrate()
    assert await ledger.schema_revision() == Ledger.head_revision()
    assert await ledger.schema_differences() == []


def test_a_package_install_carries_every_migration_file() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["gateway"]
    gateway = ROOT / "gateway"
    files = [
        path.relative_to(gateway).as_posix()
        for path in MIGRATIONS.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert any(name.startswith("ledger/migrations/versions/") for name in files)
    missing = [name for name in files if not any(fnmatch(name, pattern) for pattern in patterns)]
    assert missing == [], "add these to [tool.setuptools.package-data] gateway in pyproject.toml"
