"""Keep the response headers of an idempotent POST so a replay carries ETag and Location.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: rows stored before this revision replay without headers, as they did.
    with op.batch_alter_table("idempotency_record", recreate="never") as batch:
        batch.add_column(sa.Column("headers", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_record", recreate="never") as batch:
        batch.drop_column("headers")
