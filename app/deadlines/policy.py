"""Reminder policy: who is reminded of which deadline kind, when, and how; escalation cadence.

Rules (pure functions of the deadline date, the policy and an injected `now`):

* A reminder is due at 09:00 local time (``tz``, e.g. Europe/London, DST-aware) on
  ``deadline_date - offset_days``; instants are returned in UTC.
* Offsets whose due instant is earlier than ``now`` are skipped, so a deadline created
  100 days out gets its 90-day reminder but not its 180-day one.
* Late creation: if every offset has passed but the deadline has not (it is met until the
  end of its local day), the nearest offset (the smallest) is still planned, due at
  ``now``, so nobody learns of a deadline only from its escalation. It keeps that offset's
  number so re-planning later yields the same idempotency key, not a second reminder.
* Escalation: once the deadline day has ended unmet, one escalation per local day at 09:00,
  starting the day after, until the deadline is met or waived. Missed days are not
  back-filled: a scheduler that was down sends one escalation, for the latest slot.
  Escalations use negative offsets: -1 the day after the deadline, -2 the next, …
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo

from app.auth.roles import ALL_ROLES

REMINDER_HOUR = time(9, 0)
DEFAULT_TZ = "Europe/London"


@dataclass(frozen=True)
class ReminderPolicy:
    """Offsets (days before the deadline), recipient roles, escalation roles and channels."""

    offsets_days: tuple[int, ...] = (180, 90, 60, 30, 14, 7, 1)
    recipient_roles: tuple[str, ...] = ("programme_manager", "contract_manager")
    escalation_roles: tuple[str, ...] = ("senior_responsible_owner",)
    channels: tuple[str, ...] = ("email", "in_app")

    def __post_init__(self) -> None:
        if any(offset < 0 for offset in self.offsets_days):
            raise ValueError("reminder offsets are days before the deadline: not negative")
        if len(set(self.offsets_days)) != len(self.offsets_days):
            raise ValueError("reminder offsets must be distinct (they are part of the key)")
        unknown = set(self.recipient_roles + self.escalation_roles) - ALL_ROLES
        if unknown:
            raise ValueError(f"unknown roles in reminder policy: {sorted(unknown)}")
        if any(":" in channel for channel in self.channels):
            raise ValueError("channel names may not contain ':' (they are part of the key)")


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder slot: its offset in days before the deadline and when it is due (UTC)."""

    offset_days: int
    due_at: datetime


DEFAULT_POLICY = ReminderPolicy()

# Why each override: a missed notice, option or break rolls the contract on for years,
# so those start a year out and reach the commercial lead; the 30-day publication
# windows cannot use offsets longer than the window; assessments are booked by teams.
_LONG_RUNWAY = (365, 180, 90, 60, 30, 14, 7, 3, 1)
_COMMERCIAL = ("programme_manager", "contract_manager", "commercial_lead")
_PUBLICATION = ReminderPolicy(
    offsets_days=(14, 7, 1), recipient_roles=("commercial_lead", "contract_manager")
)
POLICY_OVERRIDES: Mapping[str, ReminderPolicy] = MappingProxyType(
    {
        "notice": ReminderPolicy(offsets_days=_LONG_RUNWAY, recipient_roles=_COMMERCIAL),
        # Missed, the exit services may not be called for in time: as costly as a missed notice.
        "termination_assistance_notice": ReminderPolicy(
            offsets_days=_LONG_RUNWAY, recipient_roles=_COMMERCIAL
        ),
        "extension_option": ReminderPolicy(offsets_days=_LONG_RUNWAY, recipient_roles=_COMMERCIAL),
        "break_clause": ReminderPolicy(offsets_days=_LONG_RUNWAY, recipient_roles=_COMMERCIAL),
        "hard_stop": ReminderPolicy(offsets_days=(365, *DEFAULT_POLICY.offsets_days)),
        "contract_details_notice": _PUBLICATION,
        "termination_notice": _PUBLICATION,
        "exit_plan_review": ReminderPolicy(offsets_days=(60, 30, 7)),
        # TUPE 2006 reg. 11: chase the outgoing supplier for the staff information.
        "employee_liability_information": ReminderPolicy(
            offsets_days=(60, 30, 14, 7, 1),
            recipient_roles=("service_owner", "programme_manager", "commercial_lead"),
        ),
        "assessment_booking": ReminderPolicy(
            offsets_days=(30, 14, 7, 1), recipient_roles=("service_owner", "programme_manager")
        ),
    }
)


def policy_for(kind: str, overrides: Mapping[str, ReminderPolicy] | None = None) -> ReminderPolicy:
    """The reminder policy for a deadline kind: the override if any, else the default."""
    table = POLICY_OVERRIDES if overrides is None else overrides
    return table.get(kind, DEFAULT_POLICY)


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def local_nine_am(day: date, tz: str | tzinfo = DEFAULT_TZ) -> datetime:
    """09:00 local time on `day`, as a UTC instant."""
    return datetime.combine(day, REMINDER_HOUR, tzinfo=_zone(tz)).astimezone(UTC)


def deadline_passed(deadline_date: date, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ) -> bool:
    """Whether the deadline's local day has ended (a deadline is met until local midnight)."""
    _require_aware(now)
    return now.astimezone(_zone(tz)).date() > deadline_date


def plan_reminders(
    deadline_date: date, policy: ReminderPolicy, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ
) -> list[PlannedReminder]:
    """The reminders still to send for a deadline, earliest first (see the module rules)."""
    _require_aware(now)
    now_utc = now.astimezone(UTC)
    planned = []
    for offset in policy.offsets_days:
        due_at = local_nine_am(deadline_date - timedelta(days=offset), tz)
        if due_at >= now_utc:
            planned.append(PlannedReminder(offset_days=offset, due_at=due_at))
    if not planned and policy.offsets_days and not deadline_passed(deadline_date, now=now, tz=tz):
        planned.append(PlannedReminder(offset_days=min(policy.offsets_days), due_at=now_utc))
    return sorted(planned, key=lambda r: r.due_at)


def latest_slot_day(now: datetime, tz: str | tzinfo = DEFAULT_TZ) -> date:
    """The local day of the latest 09:00 slot at or before `now` (today after 09:00)."""
    _require_aware(now)
    local_now = now.astimezone(_zone(tz))
    if local_now.time() < REMINDER_HOUR:
        return local_now.date() - timedelta(days=1)  # today's slot is not due yet
    return local_now.date()


def escalation_due(
    deadline_date: date,
    *,
    now: datetime,
    tz: str | tzinfo = DEFAULT_TZ,
    last_escalated_on: date | None,
) -> datetime | None:
    """The escalation slot (09:00 local, UTC) due by `now` and not yet sent, else None."""
    slot_day = latest_slot_day(now, tz)
    if slot_day <= deadline_date:
        return None
    if last_escalated_on is not None and last_escalated_on >= slot_day:
        return None
    return local_nine_am(slot_day, tz)


def escalation_offset(deadline_date: date, due_at: datetime, tz: str | tzinfo = DEFAULT_TZ) -> int:
    """The negative offset of an escalation slot: -1 the day after the deadline, -2 …."""
    return -(due_at.astimezone(_zone(tz)).date() - deadline_date).days


def reminder_key(deadline_id: int | str, offset_days: int, channel: str, recipient: str) -> str:
    """The idempotency key of one delivery: one per deadline, offset, channel and recipient."""
    if ":" in str(deadline_id) or ":" in channel:
        # The recipient (which may be a URL) comes last, so it alone may contain ':'.
        raise ValueError("deadline_id and channel may not contain ':'")
    who = recipient.strip()
    if channel == "email":
        who = who.lower()  # the same mailbox however it was typed
    return f"reminder:{deadline_id}:{offset_days}:{channel}:{who}"
