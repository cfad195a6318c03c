"""The columns of work a sender claims under a lease and retries: reminders and outbox messages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column


class LeasedWork:
    """Delivery state shared by every table a sender claims rows from, tries and retries."""

    status: Mapped[str] = mapped_column(String(20), default="pending")
    """pending until sent, or failed once out of attempts (a reminder may also be cancelled)."""
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    """When the sender should try next: when the work falls due, then after each backoff."""
    lease_until: Mapped[dt.datetime | None]
    """A claim holds the row until then; an expired lease is claimed again (crash recovery)."""
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    """The worker holding the current lease."""
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    """Why the latest attempt failed."""
