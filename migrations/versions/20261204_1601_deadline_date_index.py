"""deadline (date, id): the deadlines list walks its order instead of sorting every row.

GET /api/deadlines and the Deadlines page list open deadlines by date then id. The only
date index led with status, which `status != 'superseded'` cannot use, so both databases
read and sorted the whole table: at 100,000 contracts the first page took five times as
long as at 1,000 (`python -m bench.scale`).

Revision ID: 1601
Revises: 1502
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "1601"
down_revision: str | None = "1502"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index the list's order."""
    op.create_index("ix_deadline_date_id", "deadline", ["date", "id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_deadline_date_id", table_name="deadline")
