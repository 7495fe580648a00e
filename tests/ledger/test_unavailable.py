"""An unreachable database is reported at once, naming where it was looked for but never the password."""

from __future__ import annotations

import socket
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.config import DatabaseConfig
from gateway.ledger import Ledger, LedgerUnavailable

from .conftest import information_request

PASSWORD = "s3cret-Banten"


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on: bound to learn a free number, then closed."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    yield port


def everything_said(error: BaseException) -> str:
    """The error as a log would show it: message, chained causes and traceback."""
    return "".join(traceback.format_exception(error))


async def test_ping_on_a_closed_postgresql_port_fails_fast_naming_host_and_port(closed_port: int) -> None:
    url = f"postgresql+asyncpg://ppid:{PASSWORD}@127.0.0.1:{closed_port}/ppid?password={PASSWORD}"
    async with await Ledger.open(DatabaseConfig(url=url, connect_timeout_s=2)) as ledger:
        started = time.monotonic()
        with pytest.raises(LedgerUnavailable) as caught:
            await ledger.ping()
        # A bound far above a refused connection's milliseconds: it only catches a hang.
        assert time.monotonic() - started < 10
    message = str(caught.value)
    assert f"postgresql+asyncpg://ppid@127.0.0.1:{closed_port}/ppid" in message
    assert "unavailable" in message and "database.url" in message
    assert PASSWORD not in everything_said(caught.value)
    assert PASSWORD not in ledger.database


async def test_a_transaction_on_an_unreachable_database_fails_the_same_way(closed_port: int) -> None:
    url = f"postgresql+asyncpg://ppid:{PASSWORD}@127.0.0.1:{closed_port}/ppid"
    async with await Ledger.open(DatabaseConfig(url=url, connect_timeout_s=2)) as ledger:
        with pytest.raises(LedgerUnavailable, match=f"127.0.0.1:{closed_port}"):
            async with ledger.transaction() as tx:
                await tx.insert_request(information_request())
        with pytest.raises(LedgerUnavailable):
            await ledger.outbox.pending_count()
        with pytest.raises(LedgerUnavailable):
            await ledger.migrate()


async def test_a_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "ledger.db"
    async with await Ledger.open(DatabaseConfig(url=f"sqlite+aiosqlite:///{missing}")) as ledger:
        with pytest.raises(LedgerUnavailable, match="unable to open database file") as caught:
            await ledger.ping()
    assert str(missing) in str(caught.value)


async def test_a_sqlite_file_locked_past_the_busy_timeout_is_unavailable(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ledger.db'}"
    async with (
        await Ledger.open(DatabaseConfig(url=url)) as holder,
        await Ledger.open(DatabaseConfig(url=url, busy_timeout_s=0.2)) as waiter,
    ):
        await holder.migrate()
        async with holder.transaction() as tx:
            await tx.insert_request(information_request())
            with pytest.raises(LedgerUnavailable, match="locked"):
                async with waiter.transaction():
                    pass
            # Reading needs no write lock, so a health check still passes meanwhile.
            await waiter.ping()


async def test_ping_passes_on_a_reachable_database(ledger: Ledger) -> None:
    await ledger.ping()
