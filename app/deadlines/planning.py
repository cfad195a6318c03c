"""(Re)planning a deadline's reminder rows: insert new, move pending, cancel obsolete."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.deadlines.delivery import Recipient, enabled_channels, recipients
from app.deadlines.models import OPEN_STATUSES, Deadline, Reminder
from app.deadlines.policy import PlannedReminder, plan_reminders, policy_for, reminder_key


@dataclass
class PlanChanges:
    """What replanning did to a deadline's reminders (ids, for the audit trail)."""

    planned: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)

    def extend(self, other: PlanChanges) -> None:
        """Add another deadline's changes."""
        self.planned += other.planned
        self.moved += other.moved
        self.cancelled += other.cancelled


def new_reminder(
    deadline: Deadline, offset: int, due_at: datetime, who: Recipient, now: datetime
) -> Reminder:
    """A pending reminder row for one slot and recipient."""
    return Reminder(
        deadline_id=deadline.id,
        offset_days=offset,
        due_at=due_at,
        channel=who.channel,
        recipient=who.address,
        user_id=who.user_id,
        idempotency_key=reminder_key(deadline.id, offset, who.channel, who.address),
        status="pending",
        attempts=0,
        next_attempt_at=due_at,
        created_at=now,
        updated_at=now,
    )


def cancel_pending(
    session: Session, deadline: Deadline, *, now: datetime, keep: frozenset[str] = frozenset()
) -> list[int]:
    """Cancel the deadline's pending reminders except those keyed in `keep`; their ids."""
    cancelled = []
    rows = session.scalars(
        select(Reminder).where(Reminder.deadline_id == deadline.id, Reminder.status == "pending")
    )
    for row in rows:
        if row.idempotency_key not in keep:
            row.status, row.updated_at, row.lease_until = "cancelled", now, None
            cancelled.append(row.id)
    return cancelled


def replan(
    session: Session,
    deadline: Deadline,
    *,
    now: datetime,
    settings: Settings,
    fresh: bool = False,
) -> PlanChanges:
    """Make the deadline's pending reminders match its date, policy and recipients.

    `fresh`: the deadline row was just created, so it has no reminders to reconcile.
    """
    changes = PlanChanges()
    desired: dict[str, tuple[PlannedReminder, Recipient]] = {}
    if fresh and deadline.status not in OPEN_STATUSES:
        return changes
    if deadline.status in OPEN_STATUSES:
        policy = policy_for(deadline.kind)
        who = recipients(
            session,
            roles=policy.recipient_roles,
            settings=settings,
            channels=enabled_channels(settings, policy.channels),
        )
        for slot in plan_reminders(deadline.date, policy, now=now, tz=settings.timezone):
            for r in who:
                key = reminder_key(deadline.id, slot.offset_days, r.channel, r.address)
                desired[key] = (slot, r)
    existing: dict[str, Reminder] = {}
    if not fresh:
        changes.cancelled = cancel_pending(session, deadline, now=now, keep=frozenset(desired))
        existing = {
            r.idempotency_key: r
            for r in session.scalars(select(Reminder).where(Reminder.deadline_id == deadline.id))
        }
    planned: list[Reminder] = []
    for key, (slot, r) in desired.items():
        row = existing.get(key)
        if row is None:
            planned.append(new_reminder(deadline, slot.offset_days, slot.due_at, r, now))
        elif row.status == "pending" and row.due_at != slot.due_at:
            row.due_at = row.next_attempt_at = slot.due_at
            row.updated_at = now
            changes.moved.append(row.id)
        elif row.status == "cancelled":
            # Never sent, so bringing it back keeps "at most once" (one row per key).
            row.status, row.due_at, row.next_attempt_at = "pending", slot.due_at, slot.due_at
            row.attempts, row.last_error, row.claimed_by, row.updated_at = 0, None, None, now
            changes.planned.append(row.id)
    session.add_all(planned)
    session.flush()
    changes.planned.extend(row.id for row in planned)
    return changes
