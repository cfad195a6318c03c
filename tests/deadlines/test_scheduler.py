"""The scheduler: escalation progresses through any number of deadlines; stop is clean."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime
from typing import cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.deadlines.models import Deadline, Reminder
from app.delivery.channels import Channels
from app.delivery.notifiers import Notification, RecordingNotifier
from app.reminders import runtime
from app.reminders.scheduler import PassReport, Scheduler, escalate
from tests.deadlines.delivery import seed

AFTER_SLOT = datetime(2027, 1, 20, 10, tzinfo=UTC)  # 10:00 in London: today's slot is due


def seed_missed(
    db: sessionmaker[Session], n: int, *, escalated_on: date | None = None, tag: str = "a"
) -> None:
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


def test_escalation_gets_past_a_full_batch_of_already_escalated(
    db: sessionmaker[Session], settings: Settings, client: TestClient
) -> None:
    seed_missed(db, 3, escalated_on=date(2027, 1, 20))  # done today, and the first by id
    seed_missed(db, 2, tag="b")
    report = PassReport()
    escalate(sessions=db, settings=settings, now=AFTER_SLOT, report=report, limit=2)
    assert report.escalated == 2
    with db.begin() as s:
        behind = select(func.count()).where(Deadline.last_escalated_on < date(2027, 1, 20))
        assert s.scalar(behind) == 0


def test_escalation_walks_every_batch_in_one_pass(
    db: sessionmaker[Session], settings: Settings, client: TestClient
) -> None:
    seed_missed(db, 5)
    report = PassReport()
    escalate(sessions=db, settings=settings, now=AFTER_SLOT, report=report, limit=2)
    assert report.escalated == 5
    again = PassReport()
    escalate(sessions=db, settings=settings, now=AFTER_SLOT, report=again, limit=2)
    assert again.escalated == 0


def test_a_set_stop_flag_ends_escalation_before_it_starts(
    db: sessionmaker[Session], settings: Settings, client: TestClient
) -> None:
    seed_missed(db, 2)
    stop, report = threading.Event(), PassReport()
    stop.set()
    escalate(sessions=db, settings=settings, now=AFTER_SLOT, report=report, stop=stop)
    assert report.escalated == 0


class Blocking(RecordingNotifier):
    """A webhook that holds each send until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.sending, self.proceed = threading.Event(), threading.Event()

    def send(self, message: Notification) -> None:
        """Say a send started, wait to be let go, record."""
        self.sending.set()
        if not self.proceed.wait(30):
            raise RuntimeError("the test never let the send go")
        super().send(message)


def test_stop_ends_the_pass_after_the_send_in_progress(
    db: sessionmaker[Session], client: TestClient, settings: Settings, clock: FrozenClock
) -> None:
    seed(db, clock, 3)
    hook = Blocking()
    scheduler = Scheduler(
        sessions=cast(FastAPI, client.app).state.sessionmaker,
        settings=settings,
        clock=clock,
        interval=3600,
        channels=Channels(webhook=hook),
    )
    scheduler.start()
    assert hook.sending.wait(30)
    assert scheduler.stop(timeout=0) is False  # mid-send: not stopped, and says so
    assert scheduler.running
    hook.proceed.set()
    assert scheduler.stop(timeout=30) is True
    assert not scheduler.running
    assert len(hook.sent) == 1  # the pass did not go on to the other two
    with db.begin() as s:
        rows = sorted(tuple(r) for r in s.execute(select(Reminder.status, Reminder.claimed_by)))
    # The claims it did not use were given back, not left to expire.
    assert rows == [("pending", None), ("pending", None), ("sent", scheduler.worker)]


def test_async_stop_leaves_the_event_loop_free_while_a_send_finishes(
    db: sessionmaker[Session], client: TestClient, settings: Settings, clock: FrozenClock
) -> None:
    seed(db, clock, 1)
    hook = Blocking()
    app = FastAPI()
    app.state.reminder_scheduler = scheduler = Scheduler(
        sessions=cast(FastAPI, client.app).state.sessionmaker,
        settings=settings,
        clock=clock,
        interval=3600,
        channels=Channels(webhook=hook),
    )
    scheduler.start()
    assert hook.sending.wait(30)

    async def shut_down() -> bool:
        stopping = asyncio.create_task(runtime.stop_async(app, timeout=30))
        for _ in range(5):
            await asyncio.sleep(0)  # a yield to the loop, not a wait: the loop still runs
        assert not stopping.done()  # the send is still in progress
        hook.proceed.set()
        return await stopping

    assert asyncio.run(shut_down()) is True
    assert not scheduler.running and len(hook.sent) == 1
