"""/api/reminders and /api/notifications (the caller's in-app notices).

Who sees which reminders: admins and programme managers see every reminder; anyone else
only the reminders addressed to them. Only admins see the webhook's full URL (such URLs
often carry a secret): everyone else sees its scheme and host.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from fastapi import APIRouter

from app.auth.deps import ClockDep, CurrentUser
from app.auth.roles import Role
from app.auth.service import Actor
from app.db.session import SessionDep
from app.deadlines.models import Reminder
from app.jsonbody import StrictJSONRoute
from app.pagination import Cursor, Limit, Page, decode_cursor, keyset_page
from app.params import IdPath, IdQuery
from app.reminders import actions
from app.reminders.roster import staffing_warnings
from app.reminders.schemas import NotificationOut, ReminderOut, ReminderStatusOut

router = APIRouter(prefix="/api", tags=["deadlines"], route_class=StrictJSONRoute)

ReminderStatus = Literal["pending", "sent", "failed", "cancelled"]


OVERSEERS = actions.OVERSEERS


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def reminder_out(row: Reminder, viewer: Actor) -> ReminderOut:
    """A reminder as `viewer` may see it (see the module notes)."""
    out = ReminderOut.model_validate(row)
    if Role.admin in viewer.roles or row.user_id == viewer.id:
        return out
    if not viewer.has_any(OVERSEERS):
        return out.model_copy(update={"recipient": "(redacted)", "last_error": None})
    if row.channel == "webhook":
        shown = _origin(row.recipient)
        error = out.last_error.replace(row.recipient, shown) if out.last_error else None
        return out.model_copy(update={"recipient": shown, "last_error": error})
    return out


@router.get("/reminders")
def list_reminders(
    session: SessionDep,
    user: CurrentUser,
    status: ReminderStatus | None = None,
    deadline_id: IdQuery = None,
    contract_id: IdQuery = None,
    channel: Literal["email", "webhook", "in_app"] | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ReminderOut]:
    """Reminders by id with their delivery status, attempts and last error (module notes)."""
    stmt = actions.reminders_query(
        status=status,
        deadline_id=deadline_id,
        channel=channel,
        contract_id=contract_id,
        after_id=decode_cursor(cursor),
        user_id=None if user.has_any(OVERSEERS) else user.id,
    )
    return keyset_page(session, stmt, limit, lambda r: reminder_out(r, user))


@router.get("/reminders/status")
def reminders_status(session: SessionDep, _user: CurrentUser) -> ReminderStatusOut:
    """Reminders counted by status, and warnings about reminder roles nobody holds."""
    return ReminderStatusOut(
        counts=actions.reminder_counts(session=session), warnings=staffing_warnings(session)
    )


@router.post("/reminders/{reminder_id}/requeue")
def requeue_reminder(
    reminder_id: IdPath, session: SessionDep, user: CurrentUser, clock: ClockDep
) -> ReminderOut:
    """Queue a failed reminder again once its cause is fixed (overseers any, others their own)."""
    row = actions.requeue_one(session=session, reminder_id=reminder_id, actor=user, now=clock.now())
    return reminder_out(row, user)


@router.get("/notifications")
def list_notifications(
    session: SessionDep,
    user: CurrentUser,
    unread: bool = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[NotificationOut]:
    """The caller's in-app notifications, newest first; `unread=true` for unread only."""
    stmt = actions.notifications_query(
        user_id=user.id, unread=unread, after_id=decode_cursor(cursor)
    )
    return keyset_page(session, stmt, limit, NotificationOut.model_validate)


@router.post("/notifications/{notification_id}/read")
def read_notification(
    notification_id: IdPath, session: SessionDep, user: CurrentUser, clock: ClockDep
) -> NotificationOut:
    """Mark one of the caller's notifications read."""
    row = actions.mark_read(
        session=session, user_id=user.id, notification_id=notification_id, now=clock.now()
    )
    return NotificationOut.model_validate(row)
