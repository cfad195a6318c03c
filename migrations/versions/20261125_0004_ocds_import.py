"""OCDS provenance on contracts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db.base import UTCDateTime

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# recreate="never": ALTER TABLE ADD/DROP COLUMN in place. Recreating `contract` on SQLite
# would DROP it with foreign keys on, cascading the delete to suppliers and everything else.
def upgrade() -> None:
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.add_column(sa.Column("ocds_release_id", sa.String(length=300), nullable=True))
        batch.add_column(
            sa.Column("ocds_release_date", UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("ocds_dates_source", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("ocds_source_file", sa.String(length=500), nullable=True))
        # The server default gives existing rows an empty list.
        batch.add_column(
            sa.Column("amendments", JSON, nullable=False, server_default=sa.text("'[]'"))
        )

    op.create_table(
        "contract_ocds_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.String(length=300), nullable=True),
        sa.Column("release_date", UTCDateTime(timezone=True), nullable=False),
        sa.Column("source_file", sa.String(length=500), nullable=False),
        sa.Column("raw", JSON, nullable=False),
        sa.Column("imported_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"],
            name=op.f("fk_contract_ocds_release_contract_id_contract"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_ocds_release")),
    )
    op.create_index(
        op.f("ix_contract_ocds_release_contract_id"), "contract_ocds_release", ["contract_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_contract_ocds_release_contract_id"), table_name="contract_ocds_release")
    op.drop_table("contract_ocds_release")
    with op.batch_alter_table("contract", recreate="never") as batch:
        batch.drop_column("amendments")
        batch.drop_column("ocds_source_file")
        batch.drop_column("ocds_dates_source")
        batch.drop_column("ocds_release_date")
        batch.drop_column("ocds_release_id")
