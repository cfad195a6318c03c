"""The scheduler: escalation progresses through any number of deadlines; stop is clean."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.deadlines.models import Deadline
from app.deadlines.scheduler import PassReport, escalate

AFTER_SLOT = datetime(2027, 1, 20, 10, tzinfo=UTC)  # 10:00 in London: today's slot is due


def seed_missed(db, n: int, *, escalated_on: date | None = None, tag: str = "a") -> None:
    """n deadlines that passed unmet; `escalated_on` as if already escalated that day."""
    with db.begin() as s:
        for i in range(n):
            s.add(
                Deadline(
                    scope=f"test:{tag}{i}",
                    key="k",
                    kind="notice",
                    date=date(2027, 1, 1),
                    status="missed",
                    last_escalated_on=escalated_on,
                    created_at=AFTER_SLOT,
                    updated_at=AFTER_SLOT,
                )
            )


def test_escalation_gets_past_a_full_batch_of_already_escalated(db, settings, client):
    seed_missed(db, 3, escalated_on=date(2027, 1, 20))  # done today, and the first by id
    seed_missed(db, 2, tag="b")
    report = PassReport()
    escalate(sessions=db, settings=settings, now=AFTER_SLOT, report=report, limit=2)
    assert report.escalated == 2
    with db.begin() as s:
        behind = select(func.count()).where(Deadline.last_escalated_on < date(2027, 1, 20))
        assert s.scalar(behind) == 0


def test_escalation_walks_every_batch_in_one_pass(db, settings, client):
    seed_missed(db, 5)
    report = PassReport()
    escalate(sessions=db, settings=settings, now=AFTER_SLOT, report=report, limit=2)
    assert report.escalated == 5
    again = PassReport()
    escalate(sessions=db, settings=settings, now=AFTER_SLOT, report=again, limit=2)
    assert again.escalated == 0
