"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    """One recorded decision or change. Never updated or deleted."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_case_id_seq", "case_id", "seq"),
        Index("ix_audit_event_contract_id_seq", "contract_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    """Position in the one chain; orders events (timestamps do not). Not unique: a stray row
    at the next position must not stop the service writing; verify reports it instead."""
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100), index=True)
    """User name, or 'system' for scheduled work."""
    roles: Mapped[list[str]] = mapped_column(JSON)
    """The roles the actor held when acting."""
    action: Mapped[str] = mapped_column(String(100), index=True)
    """Dotted action name, e.g. contract.updated, case.transitioned."""
    case_id: Mapped[int | None] = mapped_column(Integer)
    contract_id: Mapped[int | None] = mapped_column(Integer)
    trigger: Mapped[str | None] = mapped_column(String(100))
    from_state: Mapped[str | None] = mapped_column(String(100))
    to_state: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    # JSON, not JSONB, on PostgreSQL: json keeps the text it was given, which the MAC signs.
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    """For a change: the fields before and after; otherwise what the action needs."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    """HMAC-SHA256, under key `key_id`, of the signed columns as stored (app.audit.stored);
    sha256 of their canonical JSON for events from before keys."""
    key_id: Mapped[str | None] = mapped_column(String(32))
    """Which audit key signed the event; NULL for events of the public scheme before keys."""


class AuditHead(Base):
    """The one-row chain head: the serialization point for appending events."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
