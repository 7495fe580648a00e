"""Working-day overrides: an admin declares a date a working day or a day off."""

from __future__ import annotations

from datetime import date

from gateway.ledger import Ledger


async def test_overrides_are_set_replaced_and_removed(ledger: Ledger) -> None:
    async with ledger.transaction() as tx:
        assert await tx.holiday_overrides() == {}
        await tx.set_holiday_override(
            date(2026, 3, 20), working=False, note="Cuti bersama Idulfitri (SKB 2026)", changed_by="admin:1"
        )
        await tx.set_holiday_override(date(2026, 3, 28), working=True, note=None, changed_by="admin:1")
    async with ledger.transaction() as tx:
        assert await tx.holiday_overrides() == {date(2026, 3, 20): False, date(2026, 3, 28): True}
        replaced = await tx.set_holiday_override(
            date(2026, 3, 20), working=True, note="Dibatalkan", changed_by="admin:2"
        )
        assert (replaced.working, replaced.note, replaced.changed_by) == (True, "Dibatalkan", "admin:2")
        assert replaced.changed_at.tzinfo is not None
    async with ledger.transaction() as tx:
        rows = await tx.holiday_override_rows()
        assert [(r.day, r.working, r.changed_by) for r in rows] == [
            (date(2026, 3, 20), True, "admin:2"),
            (date(2026, 3, 28), True, "admin:1"),
        ]
        assert await tx.remove_holiday_override(date(2026, 3, 28)) is True
        assert await tx.remove_holiday_override(date(2026, 3, 29)) is False
    async with ledger.transaction() as tx:
        assert await tx.holiday_overrides() == {date(2026, 3, 20): True}
