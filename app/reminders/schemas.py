"""Reminder and in-app notification representations."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class ReminderOut(BaseModel):
    """One reminder delivery as the REST contract names its fields."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    deadline_id: int
    offset_days: int
    due_at: dt.datetime
    channel: str
    recipient: str
    status: str
    attempts: int
    sent_at: dt.datetime | None
    next_attempt_at: dt.datetime
    last_error: str | None


class ReminderStatusOut(BaseModel):
    """Reminders by status, and what may stop them reaching anyone."""

    counts: dict[str, int]
    warnings: list[str]


class NotificationOut(BaseModel):
    """An in-app notification."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    deadline_id: int | None
    reminder_id: int | None
    subject: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None
