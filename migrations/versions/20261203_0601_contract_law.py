"""contract.calendar: the bank-holiday calendar a contract's own notice periods count on.

England and Wales by default; Scotland or Northern Ireland where the contract names it.
The Procurement Act 2023's own clocks count UK-wide working days (s.123) whatever this is.

Revision ID: 0601
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0601"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.add_column(
            sa.Column(
                "calendar", sa.String(length=20), nullable=False, server_default="england_wales"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.drop_column("calendar")
