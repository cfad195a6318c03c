"""deadline.roster: which set of users a deadline's reminders were planned for.

Each scheduler pass compares it with the current roster (active users, their roles and
addresses) and re-targets the reminders of open deadlines planned for another one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deadline", recreate="never") as batch:
        batch.add_column(sa.Column("roster", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadline", recreate="never") as batch:
        batch.drop_column("roster")
