"""Fixtures shared by the test packages: a database on each backend of the ledger.

``database_url`` is a fresh SQLite file, and a PostgreSQL database when
``PPID_TEST_DATABASE_URL`` is set (an admin URL such as
``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``). A test run creates its
own database ``ppid_test_<hex>`` through it, gives each test an empty
``public`` schema in it, and drops it at the end, also after failures. Set
but not answering is a failure, never a skip.

``test_redis`` is the Redis at ``PPID_TEST_REDIS_URL`` (e.g.
``redis://127.0.0.1:6379/0``) with a key prefix of this run's own
(``ppid_test_<hex>``); every key under it is deleted at the end. Unset skips,
set but not answering fails, like PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from gateway.identity.crypto import generate_master_key

PG_VARIABLE = "PPID_TEST_DATABASE_URL"
REDIS_VARIABLE = "PPID_TEST_REDIS_URL"

# Every gateway a test starts (in process, or `ppid-gateway serve` in a subprocess) needs
# a personal-data key; a test about a missing key removes it with monkeypatch.
os.environ.setdefault("PPID_PERSONAL_DATA_KEY", generate_master_key())
BACKENDS = ["sqlite", "postgresql"]

_T = TypeVar("_T")


def run_in_thread(make: Callable[[], Awaitable[_T]]) -> _T:
    """Run a coroutine to completion on a loop of its own, in another thread.

    Fixtures that set up and drop the PostgreSQL database run outside the
    tests' event loop (pytest-asyncio owns that one), so they use this.
    """

    async def main() -> _T:
        return await make()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def run_admin(url: str, *statements: str) -> None:
    """Execute ``statements`` outside any transaction (CREATE / DROP DATABASE need that)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def private_postgres_database(admin_url: str) -> Iterator[str]:
    """A database of its own on the PostgreSQL at ``admin_url``, dropped on exit; fails if refused."""
    admin = make_url(admin_url)
    name = f"ppid_test_{secrets.token_hex(6)}"
    problem = None
    try:
        run_in_thread(lambda: run_admin(admin_url, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        problem = f"{type(exc).__name__}: {exc}"
    if problem is not None:  # failed outside the except block, so the report is this one line
        pytest.fail(
            f"{PG_VARIABLE} is set, but PostgreSQL at {admin.host}:{admin.port or 5432} "
            f"did not create a test database: {problem}",
            pytrace=False,
        )
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        run_in_thread(lambda: run_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The URL of this run's own PostgreSQL database; skips when the variable is unset."""
    admin_url = os.environ.get(PG_VARIABLE)
    if not admin_url:
        pytest.skip(f"set {PG_VARIABLE} to run against PostgreSQL")
    with private_postgres_database(admin_url) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """An empty database on each backend: a fresh SQLite file, or an emptied PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'ledger.db'}"
    url: str = request.getfixturevalue("postgres_database")
    run_in_thread(lambda: run_admin(url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public"))
    return url


@dataclass(frozen=True, slots=True)
class TestRedis:
    """A Redis to test against, and the key prefix this run owns in it."""

    __test__ = False  # not a test class, whatever its name

    url: str
    key_prefix: str


@pytest.fixture(scope="session")
def test_redis() -> Iterator[TestRedis]:
    """This run's Redis and key prefix; skips when the variable is unset, fails when Redis does not answer."""
    url = os.environ.get(REDIS_VARIABLE)
    if not url:
        pytest.skip(f"set {REDIS_VARIABLE} to run against Redis")
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    problem = None
    try:
        client.ping()
    except redis.RedisError as exc:
        problem = f"{type(exc).__name__}: {exc}"
    if problem is not None:
        client.close()
        pytest.fail(f"{REDIS_VARIABLE} is set, but Redis did not answer: {problem}", pytrace=False)
    prefix = f"ppid_test_{secrets.token_hex(6)}"
    try:
        yield TestRedis(url, prefix)
    finally:
        try:
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)
        finally:
            client.close()
