"""A database that answers but was never migrated is unavailable, with the fix in the message."""

from __future__ import annotations

import pytest

from gateway.ledger import Ledger, LedgerUnavailable


async def test_a_transaction_on_an_unmigrated_database_says_to_run_migrate(unmigrated_ledger: Ledger) -> None:
    with pytest.raises(LedgerUnavailable) as caught:
        async with unmigrated_ledger.transaction() as tx:
            await tx.holiday_overrides()
    assert "ppid-gateway migrate" in str(caught.value)
