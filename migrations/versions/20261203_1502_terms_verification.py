"""contract.terms_verified_at / terms_verified_by / terms_hints: imported terms are unverified.

Contracts Finder's end date sometimes already includes extensions ("3 years + 1 + 1,
maximum 5"), so terms imported from OCDS are unverified until a person confirms them from
the signed contract (an audited decision). Contracts registered by hand are verified by
whoever registered them; rows already held are treated the same way (at their creation).

Revision ID: 1502
Revises: 1403
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.base import JSONType, UTCDateTime

revision: str = "1502"
down_revision: str | None = "1403"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the columns; hand-registered contracts count as verified when they were created."""
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("terms_verified_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("terms_verified_by", sa.String(200), nullable=True))
        batch.add_column(
            sa.Column("terms_hints", JSONType, nullable=False, server_default=sa.text("'[]'"))
        )
    op.execute("UPDATE contract SET terms_verified_at = created_at WHERE source = 'manual'")


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("contract") as batch:
        batch.drop_column("terms_hints")
        batch.drop_column("terms_verified_by")
        batch.drop_column("terms_verified_at")
