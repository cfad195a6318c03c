"""component_dependency: a service line that needs another line of the same review live first.

Cabinet Office, "Guidance on exiting major IT contracts" (2017): exits are sequenced around
the dependencies between services, and a service is not moved before those it relies on.
One row per (waiting component case, component case it depends on); same review, no self
dependency and no cycles are the service's rules (app/cases/dependencies.py).

Revision ID: 1403
Revises: 1402
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.base import UTCDateTime

revision: str = "1403"
down_revision: str | None = "1402"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "component_dependency",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_component_dependency_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"], ["case.id"], name=op.f("fk_component_dependency_depends_on_id_case")
        ),
        sa.PrimaryKeyConstraint("case_id", "depends_on_id", name=op.f("pk_component_dependency")),
    )
    op.create_index(
        op.f("ix_component_dependency_depends_on_id"),
        "component_dependency",
        ["depends_on_id"],
        unique=False,
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_index(op.f("ix_component_dependency_depends_on_id"), table_name="component_dependency")
    op.drop_table("component_dependency")
