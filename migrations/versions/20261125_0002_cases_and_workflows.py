"""Cases, stored workflow definition versions, components and idempotent responses.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db.base import UTCDateTime

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('idempotency_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', JSON, nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_record')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotency_record_user_id_key'))
    )
    op.create_table('workflow_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', JSON, nullable=False),
    sa.Column('registered_at', UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_definition')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_workflow_definition_name_version'))
    )
    op.create_table('component',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('review_case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_component_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component')),
    sa.UniqueConstraint('review_case_id', 'name', name=op.f('uq_component_review_case_id_name'))
    )
    op.create_index(op.f('ix_component_contract_id'), 'component', ['contract_id'], unique=False)
    op.create_index(op.f('ix_component_review_case_id'), 'component', ['review_case_id'], unique=False)

    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow', sa.String(length=100), nullable=False),
    sa.Column('workflow_version', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=100), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('component_id', sa.Integer(), nullable=True),
    sa.Column('route', sa.String(length=50), nullable=True),
    sa.Column('assignee', sa.String(length=100), nullable=True),
    sa.Column('data', JSON, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['component.id'], name=op.f('fk_case_component_id_component')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_case_contract_id_contract')),
    sa.ForeignKeyConstraint(['parent_id'], ['case.id'], name=op.f('fk_case_parent_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case'))
    )
    op.create_index(op.f('ix_case_assignee'), 'case', ['assignee'], unique=False)
    op.create_index(op.f('ix_case_component_id'), 'case', ['component_id'], unique=False)
    op.create_index(op.f('ix_case_contract_id'), 'case', ['contract_id'], unique=False)
    op.create_index(op.f('ix_case_parent_id'), 'case', ['parent_id'], unique=False)
    op.create_index('ix_case_workflow_state', 'case', ['workflow', 'state'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_case_workflow_state', table_name='case')
    op.drop_index(op.f('ix_case_parent_id'), table_name='case')
    op.drop_index(op.f('ix_case_contract_id'), table_name='case')
    op.drop_index(op.f('ix_case_component_id'), table_name='case')
    op.drop_index(op.f('ix_case_assignee'), table_name='case')

    op.drop_table('case')
    op.drop_index(op.f('ix_component_review_case_id'), table_name='component')
    op.drop_index(op.f('ix_component_contract_id'), table_name='component')

    op.drop_table('component')
    op.drop_table('workflow_definition')
    op.drop_table('idempotency_record')
