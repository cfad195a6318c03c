"""contract.calendar and contract.regime: which calendar and which law a contract follows.

calendar: the bank holidays a contract's own notice periods count on, England and Wales
by default, Scotland or Northern Ireland where the contract names it (the Procurement Act
2023's own clocks count UK-wide working days, s.123, whatever this is).
regime: pcr2015, pa2023 or other. Existing rows are inferred from their dates: signed (or
else started) on or after 24 February 2025, when the Act came into force, is pa2023.
agreement: contract, framework or dps; only contracts are exited (get deadlines).
renewal: fixed_term, buyer_option or automatic, or null when not recorded.

Revision ID: 0601
Revises: 0701
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0601"
down_revision: str | None = "0701"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.add_column(
            sa.Column(
                "calendar", sa.String(length=20), nullable=False, server_default="england_wales"
            )
        )
        batch.add_column(
            sa.Column("regime", sa.String(length=10), nullable=False, server_default="pcr2015")
        )
        batch.add_column(sa.Column("renewal", sa.String(length=20), nullable=True))
        batch.add_column(
            sa.Column("agreement", sa.String(length=10), nullable=False, server_default="contract")
        )
    op.execute(
        "UPDATE contract SET regime = 'pa2023' WHERE COALESCE(date_signed, start_date)"
        " >= '2025-02-24'"
    )


def downgrade() -> None:
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.drop_column("agreement")
        batch.drop_column("renewal")
        batch.drop_column("regime")
        batch.drop_column("calendar")
