"""The audit log of personal data reads (UU 27/2022): who read what of whose request, and why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.config import DatabaseConfig
from gateway.ledger import ActorKind, Ledger

from .conftest import information_request

AT = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)


async def test_each_read_is_logged_with_actor_fields_and_purpose(database_url: str) -> None:
    async with await Ledger.open(DatabaseConfig(url=database_url), clock=lambda: AT) as ledger:
        await ledger.migrate()
        async with ledger.transaction() as tx:
            request = await tx.insert_request(information_request())
            other = await tx.insert_request(information_request("PI/2026/DINKES/000002"))
            read = await tx.record_personal_data_read(
                request.id,
                actor_kind=ActorKind.OFFICER,
                actor_id="officer:dinkes:7",
                fields=["name", "nik", "address", "nik"],
                purpose="Menjawab permohonan",
            )
            await tx.record_personal_data_read(
                other.id,
                actor_kind=ActorKind.PPID_UTAMA,
                actor_id="utama:1",
                fields=["email"],
                purpose="Ekspor",
            )
        async with ledger.transaction() as tx:
            assert await tx.personal_data_reads(request.id) == [read]
    assert (read.at, read.actor_kind, read.actor_id) == (AT, ActorKind.OFFICER, "officer:dinkes:7")
    assert read.fields == ("name", "nik", "address")
    assert read.purpose == "Menjawab permohonan"


async def test_a_read_names_at_least_one_field(ledger: Ledger) -> None:
    async with ledger.transaction() as tx:
        request = await tx.insert_request(information_request())
        with pytest.raises(ValueError, match="at least one field"):
            await tx.record_personal_data_read(
                request.id, actor_kind=ActorKind.OFFICER, actor_id=None, fields=[], purpose="x"
            )
