"""Keyed audit chain: a key id per event, JSON kept as written, seq no longer unique.

Events written from now on carry `key_id`, the audit key (kept outside the database) whose
HMAC signs their columns exactly as stored; on PostgreSQL the JSON columns become `json`,
which keeps the text it is given (jsonb re-renders it). Earlier events keep their public
sha256 hashes and NULL key ids: they still verify, but only as a prefix of the chain.
`seq` loses its unique constraint so that a stray row at the next position cannot stop every
audited write; verify reports such a row instead.

Revision ID: 0201
Revises: 0101
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0201"
down_revision: str | None = "0101"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


JSON_COLUMNS = ("roles", "evidence", "details")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _sqlite_triggers(create: bool) -> None:
    # A batch rebuild on SQLite copies the table and drops the old one, and its triggers.
    for verb in ("UPDATE", "DELETE"):
        name = f"audit_event_no_{verb.lower()}"
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {verb} ON audit_event"
            " BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            if create
            else f"DROP TRIGGER IF EXISTS {name}"
        )


def upgrade() -> None:
    if _sqlite():
        _sqlite_triggers(create=False)
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))
        batch.drop_constraint("uq_audit_event_seq", type_="unique")
        batch.create_index("ix_audit_event_seq", ["seq"], unique=False)
    if _sqlite():
        _sqlite_triggers(create=True)
    else:
        for column in JSON_COLUMNS:
            op.alter_column(
                "audit_event", column, type_=sa.JSON(), postgresql_using=f"{column}::json"
            )


def downgrade() -> None:
    if _sqlite():
        _sqlite_triggers(create=False)
    else:
        for column in JSON_COLUMNS:
            op.alter_column(
                "audit_event", column, type_=JSONB(), postgresql_using=f"{column}::jsonb"
            )
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_index("ix_audit_event_seq")
        batch.create_unique_constraint("uq_audit_event_seq", ["seq"])
        batch.drop_column("key_id")
    if _sqlite():
        _sqlite_triggers(create=True)
