"""The ledger's first schema: requests and objections, their history, the outbox, and the tables beside them.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Enum columns are VARCHAR with a CHECK constraint; their values are written out
here, as they were at this revision, so that a later change to the Python
enums needs (and gets) a revision of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

KINDS = ("INFORMATION", "OBJECTION")
ROUTED_BY = ("EXPLICIT", "DOCUMENT", "RULE", "DEFAULT")
STATES = (
    "RECEIVED",
    "IN_PROCESS",
    "EXTENDED",
    "GRANTED",
    "PARTIALLY_GRANTED",
    "REFUSED",
    "NOT_HELD",
    "CANCELLED",
    "DECIDED",
    "DISPUTED",
)
REQUESTER_TYPES = ("INDIVIDUAL", "ORGANIZATION", "PROXY")
OBTAIN_METHODS = ("VIEW", "COPY_SOFT", "COPY_HARD")
DELIVERY_METHODS = ("PICK_UP", "COURIER", "POST", "FAX", "EMAIL")
EXEMPTION_GROUNDS = ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J")
OBJECTION_REASONS = ("A", "B", "C", "D", "E", "F", "G")
ACTOR_KINDS = ("REQUESTER", "OFFICER", "PPID_UTAMA", "SYSTEM")
OUTBOX_OPERATIONS = ("SUBMIT_REQUEST", "SUBMIT_OBJECTION", "CANCEL")
OUTBOX_STATUSES = ("PENDING", "DELIVERED", "FAILED_PERMANENTLY")


def upgrade() -> None:
    """Create every ledger table."""
    op.create_table(
        "holiday_overrides",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _time("changed_at", nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holiday_overrides")),
    )
    op.create_table(
        "registration_counters",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opd_code", sa.String(32), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", "opd_code", name=op.f("pk_registration_counters")),
        _one_of("registration_counters", "kind", KINDS),
    )
    op.create_table(
        "requests",
        sa.Column("id", ID, nullable=False),
        sa.Column("registration_number", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("opd_slug", sa.String(40), nullable=False),
        sa.Column("routed_by", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        _time("received_at", nullable=False),
        sa.Column("receipt_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        _time("extended_at"),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("extended_due_date", sa.Date(), nullable=True),
        sa.Column("access_code_hash", sa.String(255), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("requester_type", sa.String(32), nullable=True),
        sa.Column("name_enc", sa.Text(), nullable=True),
        sa.Column("nik_enc", sa.Text(), nullable=True),
        sa.Column("nik_hash", sa.String(128), nullable=True),
        sa.Column("legal_entity_number_enc", sa.Text(), nullable=True),
        sa.Column("address_enc", sa.Text(), nullable=True),
        sa.Column("phone_enc", sa.Text(), nullable=True),
        sa.Column("email_enc", sa.Text(), nullable=True),
        sa.Column("occupation", sa.String(200), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("obtain_method", sa.String(32), nullable=True),
        sa.Column("delivery_method", sa.String(32), nullable=True),
        sa.Column("document_id", sa.String(250), nullable=True),
        sa.Column("outcome_message", sa.Text(), nullable=True),
        sa.Column("refusal_ground", sa.String(32), nullable=True),
        sa.Column("holding_body", sa.String(300), nullable=True),
        sa.Column("attached_document_ids", sa.JSON(), nullable=False),
        _time("responded_at"),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("objection_reason", sa.String(32), nullable=True),
        sa.Column("objection_statement", sa.Text(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        _time("decided_at"),
        _time("disputed_at"),
        sa.Column("upstream_reference", sa.String(200), nullable=True),
        _time("created_at", nullable=False),
        _time("updated_at", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("registration_number", name=op.f("uq_requests_registration_number")),
        sa.ForeignKeyConstraint(["parent_id"], ["requests.id"], name=op.f("fk_requests_parent_id_requests")),
        sa.CheckConstraint(
            "(kind = 'OBJECTION' AND parent_id IS NOT NULL AND objection_reason IS NOT NULL)"
            " OR (kind = 'INFORMATION' AND parent_id IS NULL AND objection_reason IS NULL)",
            name=op.f("ck_requests_objection_parent"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_requests_version_positive")),
        _one_of("requests", "kind", KINDS),
        _one_of("requests", "routed_by", ROUTED_BY),
        _one_of("requests", "state", STATES),
        _one_of("requests", "requester_type", REQUESTER_TYPES),
        _one_of("requests", "obtain_method", OBTAIN_METHODS),
        _one_of("requests", "delivery_method", DELIVERY_METHODS),
        _one_of("requests", "refusal_ground", EXEMPTION_GROUNDS),
        _one_of("requests", "objection_reason", OBJECTION_REASONS),
    )
    op.create_index(op.f("ix_requests_nik_hash"), "requests", ["nik_hash"])
    op.create_index(op.f("ix_requests_opd_slug_state"), "requests", ["opd_slug", "state"])
    op.create_index(op.f("ix_requests_parent_id"), "requests", ["parent_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("request_id", ID, nullable=False),
        _time("created_at", nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
        _references_request("idempotency_keys"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", ID, nullable=False),
        sa.Column("request_id", ID, nullable=False),
        sa.Column("opd_slug", sa.String(40), nullable=False),
        sa.Column("operation", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_attempt_at", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _time("delivered_at"),
        sa.Column("upstream_reference", sa.String(200), nullable=True),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        _time("claimed_until"),
        _time("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("request_id", "operation", name=op.f("uq_outbox_request_id_operation")),
        _references_request("outbox"),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_attempts_not_negative")),
        _one_of("outbox", "operation", OUTBOX_OPERATIONS),
        _one_of("outbox", "status", OUTBOX_STATUSES),
    )
    op.create_index(op.f("ix_outbox_status_next_attempt_at"), "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "personal_data_reads",
        sa.Column("id", ID, nullable=False),
        _time("at", nullable=False),
        sa.Column("actor_kind", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(200), nullable=True),
        sa.Column("request_id", ID, nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_data_reads")),
        _references_request("personal_data_reads"),
        _one_of("personal_data_reads", "actor_kind", ACTOR_KINDS),
    )
    op.create_index(op.f("ix_personal_data_reads_request_id"), "personal_data_reads", ["request_id"])
    op.create_table(
        "request_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("request_id", ID, nullable=False),
        _time("at", nullable=False),
        sa.Column("actor_kind", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(200), nullable=True),
        sa.Column("from_state", sa.String(32), nullable=True),
        sa.Column("to_state", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
        _references_request("request_events"),
        _one_of("request_events", "actor_kind", ACTOR_KINDS),
        _one_of("request_events", "from_state", STATES),
        _one_of("request_events", "to_state", STATES),
    )
    op.create_index(op.f("ix_request_events_request_id_at"), "request_events", ["request_id", "at"])


def downgrade() -> None:
    """Drop every ledger table, dependents first."""
    for table in (
        "request_events",
        "personal_data_reads",
        "outbox",
        "idempotency_keys",
        "requests",
        "registration_counters",
        "holiday_overrides",
    ):
        op.drop_table(table)


def _time(name: str, *, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _one_of(table: str, column: str, values: Sequence[str]) -> sa.CheckConstraint:
    return sa.CheckConstraint(sa.column(column).in_(values), name=op.f(f"ck_{table}_{column}"))


def _references_request(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["request_id"], ["requests.id"], name=op.f(f"fk_{table}_request_id_requests")
    )
