"""Personal data is encrypted at rest and never logged."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from gateway.config import DatabaseConfig
from gateway.ledger.engine import begin, create_ledger_engine
from gateway.requests import RequestService

from .conftest import ADDRESS, EMAIL, NAME, NIK, PHONE, PHONE_E164, submission

PLAINTEXTS = (NIK, NAME, PHONE, PHONE_E164, EMAIL, ADDRESS)


async def raw_tables(database_url: str) -> str:
    """Every row of the requests and outbox tables, as stored, in one text."""
    engine = create_ledger_engine(DatabaseConfig(url=database_url))
    try:
        async with begin(engine) as connection:
            texts = []
            for table in ("requests", "outbox", "idempotency_keys", "request_events"):
                result = await connection.execute(sa.text(f"SELECT * FROM {table}"))
                texts += [repr(tuple(row)) for row in result]
    finally:
        await engine.dispose()
    return "\n".join(texts)


async def test_personal_data_is_encrypted_at_rest(service: RequestService, database_url: str) -> None:
    receipt = await service.submit_information_request(submission(), idempotency_key="k-1")
    stored = await raw_tables(database_url)
    assert receipt.registration_number in stored
    for plaintext in PLAINTEXTS:
        assert plaintext not in stored
    assert receipt.access_code not in stored


async def test_a_whole_flow_logs_no_personal_data(
    service: RequestService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receipt = await service.submit_information_request(submission(), idempotency_key="k-2")
    await service.submit_information_request(submission(), idempotency_key="k-2")
    await service.request_status(receipt.registration_number, receipt.access_code)
    await service.cancel_request(receipt.registration_number, receipt.access_code, "tidak jadi")

    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert receipt.registration_number in logged  # the service does log, just nothing personal
    for plaintext in (*PLAINTEXTS, receipt.access_code):
        assert plaintext not in logged
