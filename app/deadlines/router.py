"""/api/deadlines, /api/reminders and /api/notifications (the caller's in-app notices).

Who sees which reminders: admins and programme managers see every reminder; anyone else
only the reminders addressed to them. Only admins see the webhook's full URL (such URLs
often carry a secret): everyone else sees its scheme and host.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from app.auth.deps import ClockDep, CurrentUser, require_roles
from app.auth.roles import Role
from app.auth.service import Actor
from app.clock import Clock
from app.db.session import SessionDep
from app.deadlines import actions
from app.deadlines.models import Reminder
from app.deadlines.roster import staffing_warnings
from app.deadlines.schemas import (
    DeadlineDetailOut,
    DeadlineOut,
    NotificationOut,
    ReminderOut,
    ReminderStatusOut,
    Resolution,
)
from app.jsonbody import StrictJSONRoute
from app.pagination import Cursor, Limit, Page, decode_cursor, keyset_page, offset_page
from app.params import DateQuery, IdPath, IdQuery

router = APIRouter(prefix="/api", tags=["deadlines"], route_class=StrictJSONRoute)

DeadlineStatus = Literal["pending", "met", "waived", "missed", "superseded", "lapsed"]
ReminderStatus = Literal["pending", "sent", "failed", "cancelled"]
Kind = Annotated[str | None, Query(max_length=40)]
Waiver = Annotated[
    Actor, Depends(require_roles(Role.senior_responsible_owner, Role.programme_manager))
]
Resolver = Annotated[
    Actor,
    Depends(
        require_roles(
            Role.senior_responsible_owner,
            Role.programme_manager,
            Role.contract_manager,
            Role.commercial_lead,
            Role.service_owner,
        )
    ),
]


@router.get("/deadlines")
def list_deadlines(
    session: SessionDep,
    _user: CurrentUser,
    before: DateQuery = None,
    after: DateQuery = None,
    kind: Kind = None,
    contract_id: IdQuery = None,
    case_id: IdQuery = None,
    status: DeadlineStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[DeadlineOut]:
    """Deadlines across contracts and cases by date; superseded ones only by `status`."""
    stmt = actions.deadlines_query(
        before=before,
        after=after,
        kind=kind,
        contract_id=contract_id,
        case_id=case_id,
        status=status,
    )
    # (date, id) order: the cursor is the position in it, opaque to clients.
    return offset_page(session, stmt, limit, cursor, DeadlineOut.model_validate)


@router.get("/deadlines/{deadline_id}")
def get_deadline(deadline_id: IdPath, session: SessionDep, _user: CurrentUser) -> DeadlineDetailOut:
    """One deadline with its resolution."""
    row = actions.get_deadline(session=session, deadline_id=deadline_id)
    return DeadlineDetailOut.model_validate(row)


@router.post("/deadlines/{deadline_id}/waive")
def waive_deadline(
    deadline_id: IdPath, body: Resolution, session: SessionDep, user: Waiver, clock: ClockDep
) -> DeadlineDetailOut:
    """Waive a deadline (a decision with a reason): its reminders and escalation stop."""
    return _resolve(session, deadline_id, "waived", body, user, clock)


@router.post("/deadlines/{deadline_id}/met")
def meet_deadline(
    deadline_id: IdPath, body: Resolution, session: SessionDep, user: Resolver, clock: ClockDep
) -> DeadlineDetailOut:
    """Record that a deadline was met, with evidence: its reminders and escalation stop."""
    return _resolve(session, deadline_id, "met", body, user, clock)


def _resolve(
    session: Session, deadline_id: int, status: str, body: Resolution, user: Actor, clock: Clock
) -> DeadlineDetailOut:
    row = actions.get_deadline(session=session, deadline_id=deadline_id)
    actions.resolve(
        session=session,
        deadline=row,
        status=status,
        actor=user,
        reason=body.reason,
        now=clock.now(),
        evidence=[e.model_dump(exclude_none=True) for e in body.evidence],
    )
    return DeadlineDetailOut.model_validate(row)


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
