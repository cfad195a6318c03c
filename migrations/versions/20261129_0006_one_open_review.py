"""At most one open contract review per contract, enforced by the database.

The service checks first and answers 409 duplicate; two requests racing past that check
now lose one of them to this partial unique index (IntegrityError, also 409).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_REVIEW = "workflow = 'contract_review' AND NOT final"


def upgrade() -> None:
    op.create_index(
        "uq_case_one_open_review",
        "case",
        ["contract_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_REVIEW),
        postgresql_where=sa.text(OPEN_REVIEW),
    )


def downgrade() -> None:
    op.drop_index("uq_case_one_open_review", table_name="case")
