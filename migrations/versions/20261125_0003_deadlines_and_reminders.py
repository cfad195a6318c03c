"""Deadlines, reminders, in-app notifications and the outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db.base import UTCDateTime

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _delivery_columns() -> list[sa.Column]:
    # Shared by reminder and outbox_message: the claim/lease/retry bookkeeping.
    return [
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        # No foreign key to "case": that table belongs to another migration line.
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_escalated_on", sa.Date(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolution_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"],
            name=op.f("fk_deadline_contract_id_contract"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_deadline_scope_key")),
    )
    op.create_index(op.f("ix_deadline_case_id"), "deadline", ["case_id"], unique=False)
    op.create_index("ix_deadline_contract_id_date", "deadline", ["contract_id", "date"], unique=False)
    op.create_index("ix_deadline_status_date", "deadline", ["status", "date"], unique=False)

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=1000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=1200), nullable=False),
        *_delivery_columns(),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deadline_id"], ["deadline.id"],
            name=op.f("fk_reminder_deadline_id_deadline"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_reminder_idempotency_key")),
    )
    op.create_index(op.f("ix_reminder_deadline_id"), "reminder", ["deadline_id"], unique=False)
    op.create_index(
        "ix_reminder_status_next_attempt_at", "reminder", ["status", "next_attempt_at"],
        unique=False,
    )

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("deadline_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminder.id"],
            name=op.f("fk_notification_reminder_id_reminder"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("reminder_id", name=op.f("uq_notification_reminder_id")),
    )
    op.create_index("ix_notification_user_id_id", "notification", ["user_id", "id"], unique=False)

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=1000), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        *_delivery_columns(),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_message_idempotency_key")),
    )
    op.create_index(
        "ix_outbox_message_status_next_attempt_at", "outbox_message",
        ["status", "next_attempt_at"], unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_message_status_next_attempt_at", table_name="outbox_message")
    op.drop_table("outbox_message")
    op.drop_index("ix_notification_user_id_id", table_name="notification")
    op.drop_table("notification")
    op.drop_index("ix_reminder_status_next_attempt_at", table_name="reminder")
    op.drop_index(op.f("ix_reminder_deadline_id"), table_name="reminder")
    op.drop_table("reminder")
    op.drop_index("ix_deadline_status_date", table_name="deadline")
    op.drop_index("ix_deadline_contract_id_date", table_name="deadline")
    op.drop_index(op.f("ix_deadline_case_id"), table_name="deadline")
    op.drop_table("deadline")
