"""Deadline, reminder and notification representations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.contracts.schemas import DeadlineOut

__all__ = ["DeadlineOut", "Evidence", "NotificationOut", "ReminderOut", "Resolution"]

Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=2000)
]


class DeadlineDetailOut(DeadlineOut):
    """A deadline with its resolution."""

    key: str
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None
    resolution_reason: str | None = None


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


class Evidence(BaseModel):
    """A link or document backing a decision."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None


class Resolution(BaseModel):
    """Why a deadline is waived or met, and on what evidence."""

    reason: Reason
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)
