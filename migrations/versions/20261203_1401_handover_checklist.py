"""handover_task, and contract.termination_assistance_notice_days.

handover_task: one row per handover checklist item (data migration and completeness check,
licence and IP novation or assignment, third-party contract novation, asset transfer,
security accreditation) of a service line whose route replaces the supplier: owner, status
(open or done), evidence, version.

termination_assistance_notice_days: days before expiry by which the buyer serves the
termination assistance notice (Cabinet Office Model Services Contract, Schedule 8.5 Exit
Management; CCS Call-Off Schedule 10 Exit Management). Null where not recorded.

Revision ID: 1401
Revises: 0601
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db.base import UTCDateTime

revision: str = "1401"
down_revision: str | None = "0601"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "handover_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("completed_by", sa.String(length=100), nullable=True),
        sa.Column("completed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_handover_task_case_id_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_task")),
        sa.UniqueConstraint("case_id", "item", name=op.f("uq_handover_task_case_id_item")),
    )
    op.create_index(op.f("ix_handover_task_case_id"), "handover_task", ["case_id"], unique=False)
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.add_column(
            sa.Column("termination_assistance_notice_days", sa.Integer(), nullable=True)
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_handover_task_case_id"), table_name="handover_task")
    op.drop_table("handover_task")
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.drop_column("termination_assistance_notice_days")
