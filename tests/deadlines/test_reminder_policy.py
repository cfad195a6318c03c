"""Reminder planning, escalation cadence and idempotency keys."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.clock import FrozenClock
from app.deadlines.policy import (
    DEFAULT_POLICY,
    PlannedReminder,
    ReminderPolicy,
    deadline_passed,
    escalation_due,
    escalation_offset,
    plan_reminders,
    policy_for,
    reminder_key,
)

LONDON = "Europe/London"
DEADLINE = date(2027, 1, 15)  # winter: 09:00 London is 09:00 UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_all_offsets_planned_at_nine_local_across_summer_time() -> None:
    plan = plan_reminders(DEADLINE, DEFAULT_POLICY, now=utc(2026, 1, 1), tz=LONDON)
    assert [r.offset_days for r in plan] == [180, 90, 60, 30, 14, 7, 1]
    # 180 days before is 19 July 2026, in British Summer Time: 09:00 BST is 08:00 UTC.
    assert plan[0].due_at == utc(2026, 7, 19, 8)
    assert plan[-1].due_at == utc(2027, 1, 14, 9)
    assert all(r.due_at.tzinfo is UTC for r in plan)


def test_passed_offsets_are_skipped() -> None:
    plan = plan_reminders(DEADLINE, DEFAULT_POLICY, now=utc(2026, 12, 1), tz=LONDON)
    assert [r.offset_days for r in plan] == [30, 14, 7, 1]


def test_an_offset_due_exactly_now_is_kept() -> None:
    plan = plan_reminders(DEADLINE, DEFAULT_POLICY, now=utc(2026, 12, 16, 9), tz=LONDON)
    assert plan[0] == PlannedReminder(offset_days=30, due_at=utc(2026, 12, 16, 9))


def test_a_late_deadline_still_gets_one_reminder_now() -> None:
    now = utc(2027, 1, 14, 10)  # the 1-day reminder was due an hour ago
    assert plan_reminders(DEADLINE, DEFAULT_POLICY, now=now, tz=LONDON) == [
        PlannedReminder(offset_days=1, due_at=now)
    ]
    evening = utc(2027, 1, 15, 20)  # on the deadline day itself: still met until midnight
    assert plan_reminders(DEADLINE, DEFAULT_POLICY, now=evening, tz=LONDON) == [
        PlannedReminder(offset_days=1, due_at=evening)
    ]
    publication = policy_for("contract_details_notice")
    assert plan_reminders(DEADLINE, publication, now=utc(2027, 1, 10), tz=LONDON) == [
        PlannedReminder(offset_days=1, due_at=utc(2027, 1, 14, 9))
    ]


def test_no_reminders_once_the_deadline_has_passed() -> None:
    assert plan_reminders(DEADLINE, DEFAULT_POLICY, now=utc(2027, 1, 16, 0, 1), tz=LONDON) == []
    # Summer: 23:30 UTC on 1 July is already 2 July in London.
    summer = date(2026, 7, 1)
    assert deadline_passed(summer, now=utc(2026, 7, 1, 23, 30), tz=LONDON)
    assert plan_reminders(summer, DEFAULT_POLICY, now=utc(2026, 7, 1, 23, 30), tz=LONDON) == []


def test_empty_policy_and_naive_now() -> None:
    assert plan_reminders(DEADLINE, ReminderPolicy(offsets_days=()), now=utc(2026, 1, 1)) == []
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_reminders(DEADLINE, DEFAULT_POLICY, now=datetime(2026, 1, 1), tz=LONDON)


def test_tz_may_be_a_tzinfo() -> None:
    plan = plan_reminders(
        DEADLINE, ReminderPolicy(offsets_days=(1,)), now=utc(2026, 1, 1), tz=ZoneInfo("Asia/Tokyo")
    )
    assert plan[0].due_at == utc(2027, 1, 14, 0)


def test_policy_for_kinds() -> None:
    assert policy_for("contract_details_notice").offsets_days == (14, 7, 1)
    assert "commercial_lead" in policy_for("notice").recipient_roles
    assert policy_for("notice").offsets_days[0] == 365
    assert policy_for("route_decision") == DEFAULT_POLICY
    custom = {"notice": ReminderPolicy(offsets_days=(2,))}
    assert policy_for("notice", custom).offsets_days == (2,)
    assert policy_for("hard_stop", custom) == DEFAULT_POLICY


@pytest.mark.parametrize(
    "bad",
    [
        {"offsets_days": (7, -1)},
        {"offsets_days": (7, 7)},
        {"recipient_roles": ("janitor",)},
        {"channels": ("sms:twilio",)},
    ],
)
def test_invalid_policies_are_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ReminderPolicy(**bad)  # type: ignore[arg-type]


def test_escalation_starts_at_nine_the_day_after() -> None:
    assert (
        escalation_due(DEADLINE, now=utc(2027, 1, 15, 23), tz=LONDON, last_escalated_on=None)
        is None
    )
    assert (
        escalation_due(DEADLINE, now=utc(2027, 1, 16, 8, 59), tz=LONDON, last_escalated_on=None)
        is None
    )
    due = escalation_due(DEADLINE, now=utc(2027, 1, 16, 9), tz=LONDON, last_escalated_on=None)
    assert due == utc(2027, 1, 16, 9)
    assert escalation_offset(DEADLINE, due, LONDON) == -1


def test_escalation_once_per_day() -> None:
    sent = date(2027, 1, 16)
    assert (
        escalation_due(DEADLINE, now=utc(2027, 1, 16, 17), tz=LONDON, last_escalated_on=sent)
        is None
    )
    assert (
        escalation_due(DEADLINE, now=utc(2027, 1, 17, 8), tz=LONDON, last_escalated_on=sent) is None
    )
    due = escalation_due(DEADLINE, now=utc(2027, 1, 17, 9, 30), tz=LONDON, last_escalated_on=sent)
    assert due == utc(2027, 1, 17, 9)
    assert escalation_offset(DEADLINE, due, LONDON) == -2


def test_escalation_does_not_backfill_missed_days() -> None:
    due = escalation_due(
        DEADLINE, now=utc(2027, 1, 20, 15), tz=LONDON, last_escalated_on=date(2027, 1, 16)
    )
    assert due == utc(2027, 1, 20, 9)
    assert escalation_offset(DEADLINE, due, LONDON) == -5


def test_escalation_daily_cadence_over_three_days_of_hourly_ticks() -> None:
    clock = FrozenClock(utc(2027, 1, 15, 0))
    last: date | None = None
    sent: list[datetime] = []
    for _ in range(24 * 4):
        due = escalation_due(DEADLINE, now=clock.now(), tz=LONDON, last_escalated_on=last)
        if due is not None:
            sent.append(due)
            last = due.astimezone(ZoneInfo(LONDON)).date()
        clock.advance(hours=1)
    assert sent == [utc(2027, 1, 16, 9), utc(2027, 1, 17, 9), utc(2027, 1, 18, 9)]


def test_escalation_in_summer_time() -> None:
    due = escalation_due(
        date(2026, 6, 30), now=utc(2026, 7, 1, 8), tz=LONDON, last_escalated_on=None
    )
    assert due == utc(2026, 7, 1, 8)  # 09:00 BST


def test_reminder_key_is_stable_and_distinct() -> None:
    key = reminder_key(42, 30, "email", " Jo.Bloggs@Example.GOV.UK ")
    assert key == "reminder:42:30:email:jo.bloggs@example.gov.uk"
    assert key == reminder_key(42, 30, "email", "jo.bloggs@example.gov.uk")
    assert reminder_key(42, -1, "email", "a@x.uk") == "reminder:42:-1:email:a@x.uk"
    hook = reminder_key("7@2027-01-15", 1, "webhook", "https://hooks.example/Path")
    assert hook == "reminder:7@2027-01-15:1:webhook:https://hooks.example/Path"
    keys = {
        reminder_key(1, 30, "email", "a@x.uk"),
        reminder_key(1, 30, "in_app", "a@x.uk"),
        reminder_key(1, 7, "email", "a@x.uk"),
        reminder_key(2, 30, "email", "a@x.uk"),
        reminder_key(1, 30, "email", "b@x.uk"),
    }
    assert len(keys) == 5
    with pytest.raises(ValueError):
        reminder_key("1:2", 30, "email", "a@x.uk")


def test_plan_is_deterministic() -> None:
    now = utc(2026, 3, 1) + timedelta(minutes=7)
    assert plan_reminders(DEADLINE, DEFAULT_POLICY, now=now) == plan_reminders(
        DEADLINE, DEFAULT_POLICY, now=now
    )
