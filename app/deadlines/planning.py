"""(Re)planning a deadline's reminder rows: insert new, move pending, cancel obsolete."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.deadlines.models import OPEN_STATUSES, Deadline, Reminder
from app.deadlines.policy import PlannedReminder, plan_reminders, policy_for, reminder_key
from app.delivery.channels import (
    Recipient,
    enabled_channels,
    recipients,
    roles_for,
    roster_fingerprint,
)


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


def _dated_id(deadline: Deadline) -> str:
    return f"{deadline.id}@{deadline.date.isoformat()}"


def current_key_prefix(deadline: Deadline) -> str:
    """The start of every reminder key for the deadline on its current date."""
    return f"reminder:{_dated_id(deadline)}:"


def reminder_key_for(deadline: Deadline, offset: int, channel: str, address: str) -> str:
    """The key of one delivery about the deadline *on its current date*.

    The date is part of the key: when an extension moves a deadline, reminders already
    sent for the old date keep their keys (history) and the new date gets fresh ones.
    """
    return reminder_key(_dated_id(deadline), offset, channel, address)


def _slot(row: Reminder) -> tuple[int, str, str]:
    """What a reminder is for, whatever the date: (offset, channel, recipient key part)."""
    return row.offset_days, row.channel, row.idempotency_key.split(":", 4)[-1]


def in_flight(row: Reminder, now: datetime) -> bool:
    """Whether a runner holds a live claim on the row (it may be sending it right now)."""
    return row.claimed_by is not None and row.lease_until is not None and row.lease_until >= now


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
        idempotency_key=reminder_key_for(deadline, offset, who.channel, who.address),
        status="pending",
        attempts=0,
        next_attempt_at=due_at,
        created_at=now,
        updated_at=now,
    )


def cancel_pending(
    session: Session, deadline: Deadline, *, now: datetime, keep: frozenset[str] = frozenset()
) -> list[int]:
    """Cancel the deadline's pending reminders except those keyed in `keep`; their ids.

    The claim is left as it was: a runner sending the row right now can then no longer
    mark it sent (the row is not pending), and replanning can tell it was in flight.
    """
    cancelled = []
    rows = session.scalars(
        select(Reminder).where(Reminder.deadline_id == deadline.id, Reminder.status == "pending")
    )
    for row in rows:
        if row.idempotency_key not in keep:
            row.status, row.updated_at = "cancelled", now
            cancelled.append(row.id)
    return cancelled


def _desired(
    session: Session, deadline: Deadline, *, now: datetime, settings: Settings
) -> dict[str, tuple[PlannedReminder, Recipient]]:
    """The reminder slots an open deadline should have now, by key."""
    desired: dict[str, tuple[PlannedReminder, Recipient]] = {}
    if deadline.status not in OPEN_STATUSES:
        return desired
    policy = policy_for(deadline.kind)
    who = recipients(
        session,
        roles=roles_for(session, policy.recipient_roles),
        settings=settings,
        channels=enabled_channels(settings, policy.channels),
    )
    for slot in plan_reminders(deadline.date, policy, now=now, tz=settings.timezone):
        for r in who:
            desired[reminder_key_for(deadline, slot.offset_days, r.channel, r.address)] = (slot, r)
    return desired


def fresh_reminders(
    session: Session, deadline: Deadline, *, now: datetime, settings: Settings
) -> list[Reminder]:
    """The reminder rows a just-created deadline gets (what `replan(fresh=True)` adds)."""
    desired = _desired(session, deadline, now=now, settings=settings)
    return [new_reminder(deadline, s.offset_days, s.due_at, r, now) for s, r in desired.values()]


def _reschedule(row: Reminder, due_at: datetime, now: datetime) -> None:
    row.due_at = row.next_attempt_at = due_at
    row.updated_at = now


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
    A pending reminder for the deadline's old date moves to the new date under the new
    date's key; sent ones keep theirs, so they never block the new date's reminders.
    """
    changes = PlanChanges()
    desired = _desired(session, deadline, now=now, settings=settings)
    rows = (
        []
        if fresh
        else list(session.scalars(select(Reminder).where(Reminder.deadline_id == deadline.id)))
    )
    existing = {r.idempotency_key: r for r in rows}
    # Pending rows of an old date, not being sent right now, can move to the new date.
    movable = {
        _slot(r): r
        for r in rows
        if r.status == "pending" and r.idempotency_key not in desired and not in_flight(r, now)
    }
    planned: list[Reminder] = []
    for key, (slot, r) in desired.items():
        row = existing.get(key) or _rekey(movable, key, slot)
        if row is None:
            planned.append(new_reminder(deadline, slot.offset_days, slot.due_at, r, now))
        elif row.idempotency_key != key or (row.status == "pending" and row.due_at != slot.due_at):
            row.idempotency_key = key
            _reschedule(row, slot.due_at, now)
            changes.moved.append(row.id)
        elif row.status == "cancelled" and row.sent_at is None:
            changes.planned.append(_revive(row, slot.due_at, now))
    for row in rows:
        if row.status == "pending" and row.idempotency_key not in desired:
            row.status, row.updated_at = "cancelled", now
            changes.cancelled.append(row.id)
    session.add_all(planned)
    deadline.roster = roster_fingerprint(session)
    session.flush()
    changes.planned.extend(row.id for row in planned)
    return changes


def _people(
    session: Session, deadline: Deadline, settings: Settings, *, escalation: bool
) -> set[tuple[str, str]]:
    """The (channel, address) pairs of the people a reminder or escalation goes to now."""
    policy = policy_for(deadline.kind)
    above = policy.escalation_roles if escalation else ()
    roles = roles_for(session, policy.recipient_roles, above)
    channels = enabled_channels(settings, policy.channels)
    who = recipients(session, roles=roles, channels=channels, settings=settings)
    return {(r.channel, r.address) for r in who if r.user_id is not None}


def retarget(
    session: Session, deadline: Deadline, *, now: datetime, settings: Settings
) -> PlanChanges:
    """Address an open deadline's reminders to the people who hold its roles now.

    Pending rows of people who no longer hold the roles (or were deactivated) are
    cancelled; newcomers get the slots still to come. Other rows are left alone: unlike
    `replan`, nothing is moved, so rows already due but not yet sent still go out.
    """
    changes = PlanChanges()
    rows = list(session.scalars(select(Reminder).where(Reminder.deadline_id == deadline.id)))
    ahead = _people(session, deadline, settings, escalation=False)
    after = _people(session, deadline, settings, escalation=True)
    for row in rows:
        wanted = after if row.offset_days < 0 else ahead
        gone = row.user_id is not None and (row.channel, row.recipient) not in wanted
        if row.status == "pending" and gone:
            row.status, row.updated_at = "cancelled", now
            changes.cancelled.append(row.id)
    existing = {r.idempotency_key: r for r in rows}
    planned: list[Reminder] = []
    for key, (slot, r) in _desired(session, deadline, now=now, settings=settings).items():
        old = existing.get(key)
        if r.user_id is None:
            continue  # the webhook is configuration, not the roster
        if old is None:
            planned.append(new_reminder(deadline, slot.offset_days, slot.due_at, r, now))
        elif old.status == "cancelled" and old.sent_at is None:
            changes.planned.append(_revive(old, slot.due_at, now))
    session.add_all(planned)
    deadline.roster = roster_fingerprint(session)
    session.flush()
    changes.planned.extend(p.id for p in planned)
    return changes


def _rekey(
    movable: dict[tuple[int, str, str], Reminder], key: str, slot: PlannedReminder
) -> Reminder | None:
    """Take the old date's pending row for this slot, if any, as a fresh delivery."""
    channel, who = key.split(":", 4)[3:]
    row = movable.pop((slot.offset_days, channel, who), None)
    if row is not None:
        row.attempts, row.last_error, row.claimed_by, row.lease_until = 0, None, None, None
    return row


def _revive(row: Reminder, due_at: datetime, now: datetime) -> int:
    """Bring back a cancelled (so never sent) reminder; one row per key keeps "at most once".

    A row cancelled while a runner was sending it keeps that runner's claim, so the
    runner records its outcome and nobody else claims the row meanwhile.
    """
    row.status, row.attempts, row.last_error = "pending", 0, None
    if not in_flight(row, now):
        row.claimed_by = row.lease_until = None
    _reschedule(row, due_at, now)
    return row.id
