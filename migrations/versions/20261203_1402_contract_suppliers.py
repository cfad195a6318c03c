"""contract_supplier.award_value and award_currency: each supplier's own award value.

Contracts Finder releases give a per-supplier award value (parties[].x_awardValue), and a
release with several single-supplier awards gives one value per supplier. The portfolio splits
a contract's spend across its suppliers by these values when every supplier has one (issue 14,
issue 15). The contract_supplier table already exists (0001); this adds the value columns.
Null where the release gives none or gives a placeholder (under £10).

Revision ID: 1402
Revises: 1401
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1402"
down_revision: str | None = "1401"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable award value columns."""
    with op.batch_alter_table("contract_supplier") as batch:
        batch.add_column(sa.Column("award_value", sa.Numeric(18, 2), nullable=True))
        batch.add_column(sa.Column("award_currency", sa.String(3), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("contract_supplier") as batch:
        batch.drop_column("award_currency")
        batch.drop_column("award_value")
