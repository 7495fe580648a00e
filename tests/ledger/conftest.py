"""Every ledger test runs on a SQLite file, and on PostgreSQL when ``PPID_TEST_DATABASE_URL`` is set.

``database_url`` (one per backend) comes from ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gateway.config import DatabaseConfig
from gateway.kip.vocabulary import (
    DeliveryMethod,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RoutedBy,
)
from gateway.ledger import Ledger, NewRequest

RECEIVED_AT = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
"""A Monday morning in Banten (09:30 WIB)."""


@pytest.fixture
async def unmigrated_ledger(database_url: str) -> AsyncIterator[Ledger]:
    """A ledger on an empty database."""
    ledger = await Ledger.open(DatabaseConfig(url=database_url))
    try:
        yield ledger
    finally:
        await ledger.aclose()


@pytest.fixture
async def ledger(unmigrated_ledger: Ledger) -> Ledger:
    """A ledger whose schema is at the newest revision."""
    await unmigrated_ledger.migrate()
    return unmigrated_ledger


@pytest.fixture
async def second_ledger(ledger: Ledger, database_url: str) -> AsyncIterator[Ledger]:
    """Another ledger on the same database, with a pool of its own: a second process or replica."""
    other = await Ledger.open(DatabaseConfig(url=database_url))
    try:
        yield other
    finally:
        await other.aclose()


def information_request(number: str = "PI/2026/DINKES/000001", **overrides: Any) -> NewRequest:
    """A complete information request as the request service would write it (ciphertext faked)."""
    values: dict[str, Any] = {
        "registration_number": number,
        "kind": RequestKind.INFORMATION,
        "opd_slug": "dinkes",
        "routed_by": RoutedBy.EXPLICIT,
        "received_at": RECEIVED_AT,
        "receipt_date": date(2026, 3, 2),
        "due_date": date(2026, 3, 16),
        "access_code_hash": "scrypt$16384$8$1$c2FsdA==$aGFzaA==",
        "requester_type": RequesterType.INDIVIDUAL,
        "name_enc": "enc:name",
        "nik_enc": "enc:nik",
        "nik_hash": "hmac:3603",
        "address_enc": "enc:address",
        "phone_enc": "enc:phone",
        "email_enc": None,
        "occupation": "Wartawan",
        "details": "Laporan realisasi anggaran 2025",
        "purpose": "Liputan",
        "obtain_method": ObtainMethod.COPY_SOFT,
        "delivery_method": DeliveryMethod.EMAIL,
    }
    values.update(overrides)
    return NewRequest(**values)


def later(minutes: float) -> datetime:
    """``RECEIVED_AT`` plus ``minutes``."""
    return RECEIVED_AT + timedelta(minutes=minutes)
