"""One outbox entry per request, OPD and operation: a forwarded request is delivered again elsewhere.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

PPID Utama may forward a request to another OPD after it was delivered to the
first one's system: the first then gets a ``CANCEL`` and the second a
``SUBMIT_REQUEST`` of its own, so the uniqueness of an entry takes the OPD in.
A downgrade fails once a forwarded request has entries at two OPDs, since the
old constraint cannot hold them.
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Make the outbox's uniqueness (request, OPD, operation)."""
    # batch: SQLite changes a constraint by copying the table; PostgreSQL alters it in place
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_request_id_operation", type_="unique")
        batch.create_unique_constraint(
            "uq_outbox_request_id_opd_slug_operation", ["request_id", "opd_slug", "operation"]
        )


def downgrade() -> None:
    """Back to one entry per request and operation."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_request_id_opd_slug_operation", type_="unique")
        batch.create_unique_constraint("uq_outbox_request_id_operation", ["request_id", "operation"])
