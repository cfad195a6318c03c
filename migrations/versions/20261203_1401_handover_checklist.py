"""contract.termination_assistance_notice_days: when the buyer must call for exit services.

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

revision: str = "1401"
down_revision: str | None = "0601"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.add_column(
            sa.Column("termination_assistance_notice_days", sa.Integer(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.drop_column("termination_assistance_notice_days")
