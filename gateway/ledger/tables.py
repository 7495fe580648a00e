"""The ledger's schema: SQLAlchemy Core tables, the source the migrations must agree with.

A test compares these with what the migrations build (an autogenerate diff
must be empty), so a change here needs a new revision in ``migrations/versions``.
"""

from __future__ import annotations

import sqlalchemy as sa

from connectors import ExemptionGround
from gateway.kip.vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RequestState,
    RoutedBy,
)

from .columns import ID, UtcDateTime, enum_column_type
from .vocabulary import ActorKind, OutboxOperation, OutboxStatus

__all__ = [
    "VERSION_TABLE",
    "holiday_overrides",
    "idempotency_keys",
    "metadata",
    "outbox",
    "personal_data_reads",
    "registration_counters",
    "request_events",
    "requests",
]

VERSION_TABLE = "ledger_alembic_version"
"""Alembic's bookkeeping table, named so that it cannot collide with another application's."""

# Constraint names are spelled out by convention so that both backends, and
# every future migration that drops or alters one, agree on them.
metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)

requests = sa.Table(
    "requests",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("registration_number", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", enum_column_type(RequestKind, "kind"), nullable=False),
    sa.Column("opd_slug", sa.String(40), nullable=False),
    sa.Column("routed_by", enum_column_type(RoutedBy, "routed_by"), nullable=False),
    sa.Column("state", enum_column_type(RequestState, "state"), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("receipt_date", sa.Date(), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=False),
    sa.Column("extended_at", UtcDateTime()),
    sa.Column("extension_reason", sa.Text()),
    sa.Column("extended_due_date", sa.Date()),
    sa.Column("access_code_hash", sa.String(255), nullable=False),
    sa.Column("idempotency_key", sa.String(200)),
    sa.Column("requester_type", enum_column_type(RequesterType, "requester_type")),
    sa.Column("name_enc", sa.Text()),
    sa.Column("nik_enc", sa.Text()),
    sa.Column("nik_hash", sa.String(128), index=True),
    sa.Column("legal_entity_number_enc", sa.Text()),
    sa.Column("address_enc", sa.Text()),
    sa.Column("phone_enc", sa.Text()),
    sa.Column("email_enc", sa.Text()),
    sa.Column("occupation", sa.String(200)),
    sa.Column("details", sa.Text()),
    sa.Column("purpose", sa.Text()),
    sa.Column("obtain_method", enum_column_type(ObtainMethod, "obtain_method")),
    sa.Column("delivery_method", enum_column_type(DeliveryMethod, "delivery_method")),
    sa.Column("document_id", sa.String(250)),
    sa.Column("outcome_message", sa.Text()),
    sa.Column("refusal_ground", enum_column_type(ExemptionGround, "refusal_ground")),
    sa.Column("holding_body", sa.String(300)),
    sa.Column("attached_document_ids", sa.JSON(), nullable=False),
    sa.Column("responded_at", UtcDateTime()),
    sa.Column("parent_id", ID, sa.ForeignKey("requests.id"), index=True),
    sa.Column("objection_reason", enum_column_type(ObjectionReason, "objection_reason")),
    sa.Column("objection_statement", sa.Text()),
    sa.Column("decision", sa.Text()),
    sa.Column("decided_at", UtcDateTime()),
    sa.Column("disputed_at", UtcDateTime()),
    sa.Column("upstream_reference", sa.String(200)),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    # An objection always names the request it objects to, and its Pasal 35 reason; a request never does.
    sa.CheckConstraint(
        "(kind = 'OBJECTION' AND parent_id IS NOT NULL AND objection_reason IS NOT NULL)"
        " OR (kind = 'INFORMATION' AND parent_id IS NULL AND objection_reason IS NULL)",
        name="objection_parent",
    ),
    sa.CheckConstraint("version >= 1", name="version_positive"),
    # An officer's inbox: the open requests of one OPD.
    sa.Index(None, "opd_slug", "state"),
)

request_events = sa.Table(
    "request_events",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("request_id", ID, sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor_kind", enum_column_type(ActorKind, "actor_kind"), nullable=False),
    sa.Column("actor_id", sa.String(200)),
    sa.Column("from_state", enum_column_type(RequestState, "from_state")),
    sa.Column("to_state", enum_column_type(RequestState, "to_state"), nullable=False),
    sa.Column("note", sa.Text()),
    sa.Index(None, "request_id", "at"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("request_id", ID, sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("opd_slug", sa.String(40), nullable=False),
    sa.Column("operation", enum_column_type(OutboxOperation, "operation"), nullable=False),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("status", enum_column_type(OutboxStatus, "status"), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
    sa.Column("last_error", sa.Text()),
    sa.Column("delivered_at", UtcDateTime()),
    sa.Column("upstream_reference", sa.String(200)),
    sa.Column("claimed_by", sa.String(200)),
    sa.Column("claimed_until", UtcDateTime()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # Exactly one delivery per request, OPD and operation, whatever retries the caller makes; a request
    # forwarded to another OPD is withdrawn from the first (CANCEL) and delivered to the next (SUBMIT).
    sa.UniqueConstraint("request_id", "opd_slug", "operation"),
    sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    # The worker's question: what is pending and due?
    sa.Index(None, "status", "next_attempt_at"),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("scope", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("fingerprint", sa.String(128), nullable=False),
    sa.Column("request_id", ID, sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

registration_counters = sa.Table(
    "registration_counters",
    metadata,
    sa.Column("kind", enum_column_type(RequestKind, "kind"), primary_key=True),
    sa.Column("year", sa.Integer(), primary_key=True),
    sa.Column("opd_code", sa.String(32), primary_key=True),
    sa.Column("last_value", sa.Integer(), nullable=False),
)

holiday_overrides = sa.Table(
    "holiday_overrides",
    metadata,
    sa.Column("day", sa.Date(), primary_key=True),
    sa.Column("working", sa.Boolean(), nullable=False),
    sa.Column("note", sa.Text()),
    sa.Column("changed_at", UtcDateTime(), nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
)

personal_data_reads = sa.Table(
    "personal_data_reads",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor_kind", enum_column_type(ActorKind, "actor_kind"), nullable=False),
    sa.Column("actor_id", sa.String(200)),
    sa.Column("request_id", ID, sa.ForeignKey("requests.id"), nullable=False, index=True),
    sa.Column("fields", sa.JSON(), nullable=False),
    sa.Column("purpose", sa.Text(), nullable=False),
)
