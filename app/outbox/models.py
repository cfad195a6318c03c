"""Outbox messages: one-off deliveries (e.g. case.transitioned webhooks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONType
from app.db.lease import LeasedWork


class OutboxMessage(LeasedWork, Base):
    """A message to deliver after the transaction that wrote it commits: pending, sent, failed."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(100))
    """Dotted event name, e.g. case.transitioned."""
    channel: Mapped[str] = mapped_column(String(20))
    """webhook or email."""
    recipient: Mapped[str] = mapped_column(String(1000))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime]
