"""Reminders people act on: requeueing failed ones, and the reminder and notification queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import eq, gt

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.audit import service as audit
from app.auth.roles import Role
from app.auth.service import Actor
from app.db.filters import where_given
from app.deadlines.models import OPEN_STATUSES, Deadline, InAppNotification, Reminder
from app.deadlines.planning import current_key_prefix
from app.errors import Conflict, Forbidden, NotFound, found


def requeue_failed(
    *,
    session: Session,
    now: datetime,
    actor: Actor | None,
    reminder_ids: Sequence[int] | None = None,
    reason: str | None = None,
) -> list[int]:
    """Queue failed reminders (all, or these) again with fresh attempts; audited per deadline.

    Only reminders of open deadlines, for the date the deadline has now: a failure for a
    date the deadline has since left, or a deadline met meanwhile, is history.
    """
    stmt = (
        select(Reminder, Deadline)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .where(Reminder.status == "failed", Deadline.status.in_(OPEN_STATUSES))
        .order_by(Reminder.id)
    )
    if reminder_ids is not None:
        stmt = stmt.where(Reminder.id.in_(reminder_ids))
    by_deadline: dict[int, tuple[Deadline, list[int]]] = {}
    for reminder, deadline in session.execute(stmt).all():
        if not reminder.idempotency_key.startswith(current_key_prefix(deadline)):
            continue
        reminder.status, reminder.attempts, reminder.updated_at = "pending", 0, now
        reminder.next_attempt_at, reminder.claimed_by, reminder.lease_until = now, None, None
        by_deadline.setdefault(deadline.id, (deadline, []))[1].append(reminder.id)
    session.flush()
    for deadline, ids in by_deadline.values():
        audit.record(
            session=session,
            actor=actor,
            action="reminder.requeued",
            at=now,
            contract_id=deadline.contract_id,
            case_id=deadline.case_id,
            reason=reason,
            details={"deadline_id": deadline.id, "reminder_ids": ids},
        )
    return [i for _, ids in by_deadline.values() for i in ids]


OVERSEERS = frozenset({Role.admin, Role.programme_manager})
"""Roles that oversee reminders: they see everyone's and may queue anyone's again."""


def may_requeue(actor: Actor, row: Reminder) -> bool:
    """Overseers requeue any reminder; anyone else only their own e-mail or in-app one."""
    if actor.has_any(OVERSEERS):
        return True
    return row.user_id is not None and row.user_id == actor.id and row.channel != "webhook"


def requeue_one(*, session: Session, reminder_id: int, actor: Actor, now: datetime) -> Reminder:
    """Requeue one failed reminder; 404 if unknown, 403 if not the actor's to requeue, 409 if
    it is not one requeue_failed takes."""
    row = found(session.get(Reminder, reminder_id), "reminder", reminder_id)
    if not may_requeue(actor, row):
        raise Forbidden(
            "only a programme manager or an admin may requeue someone else's reminder",
            code="role_required",
        )
    reason = f"requeued by {actor.name}"
    if not requeue_failed(
        session=session, now=now, actor=actor, reminder_ids=[reminder_id], reason=reason
    ):
        raise Conflict(
            f"reminder {reminder_id} is {row.status}; only failed reminders of open deadlines,"
            " for the date the deadline has now, can be requeued",
            code="invalid_state",
        )
    return row


def reminders_query(
    *,
    status: str | None = None,
    deadline_id: int | None = None,
    channel: str | None = None,
    contract_id: int | None = None,
    after_id: int | None = None,
    user_id: int | None = None,
) -> Select[Reminder]:
    """Reminders by id; only those addressed to `user_id` when given."""
    return where_given(
        select(Reminder).order_by(Reminder.id),
        (Reminder.user_id, eq, user_id),
        (Reminder.status, eq, status),
        (Reminder.deadline_id, eq, deadline_id),
        (Reminder.channel, eq, channel),
        (Reminder.deadline_id, _of_contract, contract_id),
        (Reminder.id, gt, after_id),
    )


def _of_contract(deadline_id: InstrumentedAttribute[int], contract_id: int) -> ColumnElement[bool]:
    """A reminder's deadline is one of the contract's."""
    return deadline_id.in_(select(Deadline.id).where(Deadline.contract_id == contract_id))


def reminder_counts(*, session: Session) -> dict[str, int]:
    """How many reminders there are in each status."""
    rows = session.execute(select(Reminder.status, func.count()).group_by(Reminder.status))
    return {status: int(count) for status, count in rows}


def notifications_query(
    *, user_id: int, unread: bool = False, after_id: int | None = None
) -> Select[InAppNotification]:
    """A user's in-app notifications, newest first."""
    stmt = (
        select(InAppNotification)
        .where(InAppNotification.user_id == user_id)
        .order_by(InAppNotification.id.desc())
    )
    if unread:
        stmt = stmt.where(InAppNotification.read_at.is_(None))
    if after_id is not None:
        stmt = stmt.where(InAppNotification.id < after_id)
    return stmt


def mark_read(
    *, session: Session, user_id: int, notification_id: int, now: datetime
) -> InAppNotification:
    """Mark one of the user's notifications read (404 for anyone else's)."""
    row = session.get(InAppNotification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"no notification with id {notification_id}")
    if row.read_at is None:
        row.read_at = now
        session.flush()
    return row
