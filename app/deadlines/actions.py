"""Decisions people take on deadlines (waive, met) and the read queries behind the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Row, Select, Table, func, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.roles import Role
from app.auth.service import Actor
from app.deadlines.delivery import delivery_settings
from app.deadlines.models import OPEN_STATUSES, Deadline, InAppNotification, Reminder
from app.deadlines.planning import cancel_pending, current_key_prefix, replan
from app.deadlines.policy import deadline_passed
from app.errors import Conflict, Forbidden, NotFound


def get_deadline(*, session: Session, deadline_id: int) -> Deadline:
    """One deadline or 404."""
    row = session.get(Deadline, deadline_id)
    if row is None:
        raise NotFound(f"no deadline with id {deadline_id}")
    return row


def resolve(
    *,
    session: Session,
    deadline: Deadline,
    status: str,
    actor: Actor,
    reason: str,
    now: datetime,
    evidence: Sequence[dict[str, Any]] = (),
) -> Deadline:
    """Mark an open deadline met or waived: stops reminders and escalation; audited."""
    if deadline.status not in OPEN_STATUSES:
        raise Conflict(
            f"deadline {deadline.id} is {deadline.status}; only pending or missed deadlines"
            f" can be marked {status}",
            code="invalid_state",
        )
    before = deadline.status
    deadline.status, deadline.updated_at = status, now
    deadline.resolved_at, deadline.resolved_by, deadline.resolution_reason = now, actor.name, reason
    cancelled = cancel_pending(session, deadline, now=now)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=f"deadline.{status}",
        at=now,
        contract_id=deadline.contract_id,
        case_id=deadline.case_id,
        from_state=before,
        to_state=status,
        reason=reason,
        evidence=evidence,
        details={
            "deadline_id": deadline.id,
            "kind": deadline.kind,
            "date": deadline.date,
            "cancelled_reminders": cancelled,
        },
    )
    return deadline


def reopen(
    *, session: Session, deadline: Deadline, actor: Actor, reason: str, now: datetime
) -> Deadline:
    """Reopen a waived deadline when the decision that waived it is reversed; audited."""
    if deadline.status != "waived":
        raise Conflict(
            f"deadline {deadline.id} is {deadline.status}; only waived deadlines can be reopened",
            code="invalid_state",
        )
    settings = delivery_settings(session)
    passed = deadline_passed(deadline.date, now=now, tz=settings.timezone)
    waiver = {"waived_by": deadline.resolved_by, "waiver": deadline.resolution_reason}
    deadline.status, deadline.updated_at = "missed" if passed else "pending", now
    deadline.resolved_at = deadline.resolved_by = deadline.resolution_reason = None
    changes = replan(session, deadline, now=now, settings=settings)
    audit.record(
        session=session,
        actor=actor,
        action="deadline.reopened",
        at=now,
        contract_id=deadline.contract_id,
        case_id=deadline.case_id,
        from_state="waived",
        to_state=deadline.status,
        reason=reason,
        details={
            "deadline_id": deadline.id,
            "kind": deadline.kind,
            "date": deadline.date,
            **waiver,
            "planned_reminders": changes.planned + changes.moved,
        },
    )
    return deadline


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
    row = session.get(Reminder, reminder_id)
    if row is None:
        raise NotFound(f"no reminder with id {reminder_id}")
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


def deadlines_query(
    *,
    before: date | None = None,
    after: date | None = None,
    kind: str | None = None,
    contract_id: int | None = None,
    case_id: int | None = None,
    status: str | None = None,
) -> Select[Deadline]:
    """Deadlines by date then id; superseded ones only when asked for by status."""
    stmt = select(Deadline).order_by(Deadline.date, Deadline.id)
    if status is not None:
        stmt = stmt.where(Deadline.status == status)
    else:
        stmt = stmt.where(Deadline.status != "superseded")
    if before is not None:
        stmt = stmt.where(Deadline.date < before)
    if after is not None:
        stmt = stmt.where(Deadline.date >= after)
    if kind is not None:
        stmt = stmt.where(Deadline.kind == kind)
    if contract_id is not None:
        stmt = stmt.where(Deadline.contract_id == contract_id)
    if case_id is not None:
        stmt = stmt.where(Deadline.case_id == case_id)
    return stmt


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
    stmt = select(Reminder).order_by(Reminder.id)
    if user_id is not None:
        stmt = stmt.where(Reminder.user_id == user_id)
    if status is not None:
        stmt = stmt.where(Reminder.status == status)
    if deadline_id is not None:
        stmt = stmt.where(Reminder.deadline_id == deadline_id)
    if channel is not None:
        stmt = stmt.where(Reminder.channel == channel)
    if contract_id is not None:
        stmt = stmt.where(
            Reminder.deadline_id.in_(select(Deadline.id).where(Deadline.contract_id == contract_id))
        )
    if after_id is not None:
        stmt = stmt.where(Reminder.id > after_id)
    return stmt


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


def scope_deadlines(
    *,
    session: Session,
    contract_id: int | None = None,
    case_id: int | None = None,
    include_cases: bool = False,
) -> list[Row[Any]]:
    """A contract's deadlines (with its cases' if asked) or a case's, by date; no superseded.

    Plain rows on the connection, not ORM objects: every case and contract response lists
    these, including the response to each transition.
    """
    table = cast(Table, Deadline.__table__)
    stmt = select(table).where(table.c.status != "superseded")
    if case_id is not None:
        stmt = stmt.where(table.c.scope == f"case:{case_id}")
    elif include_cases:
        stmt = stmt.where(table.c.contract_id == contract_id)
    else:
        stmt = stmt.where(table.c.scope == f"contract:{contract_id}")
    session.flush()  # the connection does not autoflush, and hooks may have changed rows
    return list(session.connection().execute(stmt.order_by(table.c.date, table.c.id)))
