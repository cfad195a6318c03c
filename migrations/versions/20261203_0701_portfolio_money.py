"""line_money and contract_money: what service lines cost, before and after they move.

Revision ID: 0701
Revises: 0201
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.base import UTCDateTime

revision: str = "0701"
down_revision: str | None = "0201"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AMOUNT = sa.Numeric(18, 2)


def upgrade() -> None:
    op.create_table(
        "line_money",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("baseline_amount", AMOUNT, nullable=True),
        sa.Column("baseline_source", sa.String(length=20), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("should_cost_amount", AMOUNT, nullable=True),
        sa.Column("comparator_amount", AMOUNT, nullable=True),
        sa.Column("route_run_cost_amount", AMOUNT, nullable=True),
        sa.Column("transition_cost_amount", AMOUNT, nullable=True),
        sa.Column("team_size", sa.Integer(), nullable=True),
        sa.Column("in_house_run_cost_amount", AMOUNT, nullable=True),
        sa.Column("actual_amount", AMOUNT, nullable=True),
        sa.Column("actual_from", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"], ["component.id"], name=op.f("fk_line_money_component_id_component")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_line_money_contract_id_contract")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_money")),
        sa.UniqueConstraint("component_id", name=op.f("uq_line_money_component_id")),
    )
    op.create_index(op.f("ix_line_money_contract_id"), "line_money", ["contract_id"])
    op.create_table(
        "contract_money",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("unallocated_amount", AMOUNT, nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_contract_money_contract_id_contract")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_money")),
        sa.UniqueConstraint("contract_id", name=op.f("uq_contract_money_contract_id")),
    )


def downgrade() -> None:
    op.drop_table("contract_money")
    op.drop_index(op.f("ix_line_money_contract_id"), table_name="line_money")
    op.drop_table("line_money")
