"""Reminder delivery leases: only a live claim marks a row sent, expired leases, racing runners."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.db.session import make_engine, make_sessionmaker
from app.deadlines.models import InAppNotification, Reminder
from app.delivery.channels import Channels
from app.delivery.notifiers import RecordingNotifier
from app.outbox.claims import claim_due, mark_sent
from app.reminders.dispatch import REMINDERS
from app.reminders.scheduler import PassReport, run_pass
from tests.deadlines.delivery import Slow, seed


def test_only_a_live_claim_on_a_pending_row_can_mark_it_sent(
    db: sessionmaker[Session], client: TestClient, clock: FrozenClock
) -> None:
    seed(db, clock, 1)
    t0 = clock.now()
    with db.begin() as s:
        [row_id] = claim_due(s, REMINDERS, now=t0, worker="w", limit=1)
    with db.begin() as s:
        late = t0 + timedelta(minutes=6)  # the five-minute lease has run out
        assert not mark_sent(s, REMINDERS, row_id=row_id, worker="w", now=late)
        assert not mark_sent(s, REMINDERS, row_id=row_id, worker="x", now=t0)  # not the claimant
        s.execute(update(Reminder).where(Reminder.id == row_id).values(status="cancelled"))
        assert not mark_sent(s, REMINDERS, row_id=row_id, worker="w", now=t0)
        s.execute(update(Reminder).where(Reminder.id == row_id).values(status="pending"))
        assert mark_sent(s, REMINDERS, row_id=row_id, worker="w", now=t0)


def test_expired_lease_is_claimed_again(
    db: sessionmaker[Session],
    client: TestClient,
    clock: FrozenClock,
    run: Callable[..., PassReport],
) -> None:
    seed(db, clock, 3)
    with db.begin() as s:  # a runner that claims and then crashes
        assert len(claim_due(s, REMINDERS, now=clock.now(), worker="crashed", limit=10)) == 3
    hooks = RecordingNotifier()
    assert run(channels=Channels(webhook=hooks)).delivery.claimed == 0  # lease still live
    clock.advance(minutes=6)
    assert run(channels=Channels(webhook=hooks)).delivery.sent == 3
    assert len(hooks.sent) == 3


def test_batch_outliving_its_lease_does_not_send_twice(
    db: sessionmaker[Session],
    client: TestClient,
    clock: FrozenClock,
    run: Callable[..., PassReport],
) -> None:
    seed(db, clock, 3)  # one runner claims all three with a five-minute lease
    other = RecordingNotifier()
    slow = Slow(clock, lambda: run(channels=Channels(webhook=other), worker="b"))
    first = run(channels=Channels(webhook=slow), worker="a")
    keys = [m.idempotency_key for m in slow.sent + other.sent]
    assert sorted(keys) == ["webhook:0", "webhook:1", "webhook:2"]  # each exactly once
    assert len(other.sent) == 1  # the row whose lease ran out went to the other runner
    assert first.delivery.lost == 1
    with db.begin() as s:
        assert set(s.scalars(select(Reminder.status))) == {"sent"}


def _race(settings: Settings, clock: FrozenClock, runners: int) -> list[RecordingNotifier]:
    start = threading.Barrier(runners)
    sinks = [RecordingNotifier() for _ in range(runners)]

    def runner(sink: RecordingNotifier) -> None:
        engine = make_engine(settings)  # each runner its own engine, like another process
        sessions = make_sessionmaker(engine)
        start.wait()
        try:
            run_pass(
                sessions=sessions,
                settings=settings,
                clock=clock,
                channels=Channels(webhook=sink),
                batch=7,
            )
        finally:
            engine.dispose()

    threads = [threading.Thread(target=runner, args=(s,)) for s in sinks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sinks


def test_racing_runners_deliver_each_reminder_once(
    db: sessionmaker[Session],
    client: TestClient,
    settings: Settings,
    clock: FrozenClock,
    make_user: Callable[..., dict[str, str]],
    is_postgres: bool,
) -> None:
    user = make_user("ula", "programme_manager")
    del user
    with db.begin() as s:
        user_id = s.scalar(text("SELECT id FROM \"user\" WHERE name = 'ula'"))
    seed(db, clock, 150, user_id=user_id)
    sinks = _race(settings, clock, runners=4 if is_postgres else 2)
    keys = [m.idempotency_key for sink in sinks for m in sink.sent]
    assert len(keys) == 150 and len(set(keys)) == 150
    if is_postgres:
        assert sum(1 for sink in sinks if sink.sent) >= 2  # the work really was shared
    with db.begin() as s:
        assert s.scalar(select(func.count()).select_from(InAppNotification)) == 150
        assert s.scalar(select(func.count()).where(Reminder.status != "sent")) == 0


def test_lease_length_is_configurable(
    db: sessionmaker[Session],
    client: TestClient,
    clock: FrozenClock,
    run: Callable[..., PassReport],
) -> None:
    seed(db, clock, 1)
    claimed_at = clock.now()
    leases: list[datetime | None] = []
    other = RecordingNotifier()

    def meanwhile() -> None:
        with db.begin() as s:
            leases.append(s.scalar(select(Reminder.lease_until)))
        clock.advance(minutes=6)  # past the default five-minute lease, within ours
        run(channels=Channels(webhook=other), worker="b")

    slow = Slow(clock, meanwhile, at=0)
    report = run(channels=Channels(webhook=slow), worker="a", lease=timedelta(minutes=17))
    assert leases == [claimed_at + timedelta(minutes=17)]
    assert other.sent == [] and len(slow.sent) == 1 and report.delivery.sent == 1


def test_lease_length_comes_from_settings(
    db: sessionmaker[Session], client: TestClient, clock: FrozenClock, settings: Settings
) -> None:
    seed(db, clock, 1)
    longer = settings.model_copy(update={"reminder_lease_seconds": 1020})
    claimed_at = clock.now()
    leases: list[datetime | None] = []

    def meanwhile() -> None:
        with db.begin() as s:
            leases.append(s.scalar(select(Reminder.lease_until)))

    run_pass(
        sessions=cast(FastAPI, client.app).state.sessionmaker,
        settings=longer,
        clock=clock,
        channels=Channels(webhook=Slow(clock, meanwhile, at=0)),
    )
    assert leases == [claimed_at + timedelta(minutes=17)]
