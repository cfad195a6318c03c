"""Deadlines derived from contract terms and case state, their reminders, in-app notices."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.lease import LeasedWork

# lapsed: already past when first computed for a contract that had ended (history only).
DEADLINE_STATUSES = ("pending", "met", "waived", "missed", "superseded", "lapsed")
OPEN_STATUSES = ("pending", "missed")
REMINDER_STATUSES = ("pending", "sent", "failed", "cancelled")


class Deadline(Base):
    """A dated obligation; computed, never typed in, and never deleted (history)."""

    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        Index("ix_deadline_status_date", "status", "date"),
        Index("ix_deadline_contract_id_date", "contract_id", "date"),
        # Lists go by date then id and exclude superseded rows, which the status index
        # cannot serve: this one walks the order (migration 1601).
        Index("ix_deadline_date_id", "date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    """Whose terms derive it: 'contract:<id>' or 'case:<id>'; recomputation replaces a scope."""
    key: Mapped[str] = mapped_column(String(200))
    """Identity within the scope (e.g. 'break_clause:2028-03-31'), from compute.DeadlineSpec."""
    kind: Mapped[str] = mapped_column(String(40))
    date: Mapped[dt.date]
    detail: Mapped[str | None] = mapped_column(Text)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """The case it belongs to; a plain column so the cases schema can evolve independently."""
    status: Mapped[str] = mapped_column(String(20), default="pending")
    """pending, met, waived, missed (passed unmet) or superseded (no longer derived)."""
    last_escalated_on: Mapped[dt.date | None]
    """Local date of the latest escalation slot sent; one escalation per day."""
    roster: Mapped[str | None] = mapped_column(String(64))
    """Fingerprint of the users its reminders were planned for (delivery.roster_fingerprint)."""
    resolved_at: Mapped[dt.datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class Reminder(LeasedWork, Base):
    """One delivery of one reminder: (deadline, offset, channel, recipient), at most once.

    Its delivery state (status, attempts, lease) is LeasedWork's; it falls due at due_at.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        # The scheduler's due query: status = 'pending' AND next_attempt_at <= now.
        Index("ix_reminder_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(
        ForeignKey("deadline.id", ondelete="CASCADE"), index=True
    )
    offset_days: Mapped[int]
    """Days before the deadline; negative for escalations after it (-1 the day after)."""
    due_at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(20))
    """email, webhook or in_app."""
    recipient: Mapped[str] = mapped_column(String(1000))
    """E-mail address, webhook URL or user name."""
    user_id: Mapped[int | None] = mapped_column(Integer)
    """The user reminded (None for the webhook)."""
    idempotency_key: Mapped[str] = mapped_column(String(1200), unique=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class InAppNotification(Base):
    """A notification shown to one user inside Handover."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminder.id", ondelete="SET NULL"), unique=True
    )
    """The reminder delivered; unique so a reminder notifies at most once."""
    deadline_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    read_at: Mapped[dt.datetime | None]
