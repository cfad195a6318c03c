"""GET /api/me/work's representation."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from app.reminders.schemas import NotificationOut


class ActionOut(BaseModel):
    """A transition the caller may fire now (guards may still refuse it)."""

    trigger: str
    title: str


class CaseWorkOut(BaseModel):
    """An open case and what the caller can do on it."""

    case_id: int
    title: str
    workflow: str
    state: str
    contract_id: int | None
    contract: str | None
    assigned_to_me: bool
    updated_at: dt.datetime
    actions: list[ActionOut]


class DueOut(BaseModel):
    """A pending deadline with how close it is."""

    deadline_id: int
    kind: str
    date: dt.date
    days: int
    urgency: str
    contract_id: int | None
    contract: str | None
    case_id: int | None


class MyWorkOut(BaseModel):
    """The caller's work, as the home page shows it."""

    actions: list[CaseWorkOut]
    """Open cases where the caller's roles can act now, assigned first, then newest."""
    approvals: list[CaseWorkOut]
    """Cases with a four-eyes step waiting for the caller (someone else proposed)."""
    deadlines: list[DueOut]
    """The caller's open deadlines in the next 90 days (and passed ones), soonest first:
    those whose reminders (escalations, once passed) reach the caller's roles, and those
    of cases assigned to the caller."""
    notifications: list[NotificationOut]
    """The caller's unread in-app notifications, newest first."""
