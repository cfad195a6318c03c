"""Delivery machinery: retries and failure, leases, racing runners, cron CLI, lifespan, index."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, insert, select, text, update
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.db.session import make_engine, make_sessionmaker
from app.deadlines.models import Deadline, InAppNotification, Reminder
from app.delivery.channels import Channels, roster_fingerprint
from app.delivery.notifiers import MAX_ATTEMPTS, Notification, RecordingNotifier
from app.main import create_app
from app.outbox.claims import claim_due, mark_sent
from app.outbox.models import OutboxMessage
from app.outbox.service import enqueue
from app.reminders.dispatch import REMINDERS
from app.reminders.scheduler import PassReport, run_pass
from tests.deadlines.conftest import Mailbox, Received
from tests.deadlines.test_reminders_flow import create, deadline_of, reminders

SLOT = datetime(2026, 12, 3, 9, tzinfo=UTC)
# What a DB-API driver receives as one statement's parameters (and exec_driver_sql takes back).
DriverParams = Sequence[Any] | Mapping[str, Any]


def seed(
    db: sessionmaker[Session],
    clock: FrozenClock,
    n: int,
    user_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """One deadline with n due webhook reminders (and n in-app ones when user_id is given).

    The rows count as planned for the current roster, so no pass re-addresses them.
    """
    now = at or clock.now()
    with db.begin() as s:
        d = Deadline(
            roster=roster_fingerprint(s),
            scope="test:1",
            key="k",
            kind="notice",
            date=date(2027, 1, 1),
            status="pending",
            created_at=now,
            updated_at=now,
        )
        s.add(d)
        s.flush()
        for i in range(n):
            for channel in ("webhook", "in_app") if user_id else ("webhook",):
                s.add(
                    Reminder(
                        deadline_id=d.id,
                        offset_days=i,
                        due_at=now,
                        channel=channel,
                        recipient=f"r{i}",
                        user_id=user_id,
                        idempotency_key=f"{channel}:{i}",
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )


def test_webhook_500_retried_with_backoff_then_failed(
    client: TestClient,
    pm: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    receiver: tuple[Received, str],
) -> None:
    seen, _ = receiver
    seen.status = 500
    contract = create(client, pm)
    clock.set(SLOT)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        run()
        rows = reminders(client, pm, deadline_id=route["id"], channel="webhook")
        [hook] = [r for r in rows if r["offset_days"] == 30]
        assert hook["status"] == ("failed" if attempt == MAX_ATTEMPTS else "pending")
        assert hook["attempts"] == attempt
        assert "HTTP 500" in hook["last_error"]
        if attempt < MAX_ATTEMPTS:
            retry = datetime.fromisoformat(hook["next_attempt_at"])
            assert retry > clock.now()
            assert run().delivery.claimed == 0  # not before the backoff
            clock.set(retry)
    assert len(seen.requests) == MAX_ATTEMPTS
    failed = reminders(client, pm, status="failed")
    assert [r["channel"] for r in failed] == ["webhook"]
    # The other channels were unaffected by the webhook's failures.
    assert {r["channel"] for r in reminders(client, pm, status="sent")} == {"email", "in_app"}


def test_smtp_down_is_retried(
    db_url: str,
    clock: FrozenClock,
    make_user: Callable[..., dict[str, str]],
    mailbox: tuple[Mailbox, int],
) -> None:
    settings = Settings(
        database_url=db_url,
        environment="test",
        scheduler_enabled=False,
        smtp_host="127.0.0.1",
        smtp_port=1,
    )  # nothing listens on port 1
    app = create_app(settings, clock)
    with TestClient(app) as client:
        pm = make_user("pat", "programme_manager", email="pat@example.gov.uk")
        create(client, pm)
        clock.set(SLOT)
        report = run_pass(sessions=app.state.sessionmaker, settings=settings, clock=clock)
        assert report.delivery.retrying == 1 and report.delivery.sent == 1  # in-app still sent
        [email] = reminders(client, pm, channel="email", status="pending", limit=1)
        assert email["attempts"] == 1 and "SMTP" in email["last_error"]


def requeue_cli(db_url: str, *ids: int) -> str:
    """`handover reminders requeue` in another process, as an operator would run it."""
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url}
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "reminders", "requeue", *map(str, ids)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_smtp_5xx_fails_visibly_and_can_be_requeued(
    client: TestClient,
    pm: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
    db_url: str,
) -> None:
    box, _ = mailbox
    box.refuse_with = "550 5.1.1 Mailbox unknown"
    contract = create(client, pm)
    clock.set(SLOT)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    assert run().delivery.failed == 1  # permanent: no retries against a 5xx
    [email] = reminders(client, pm, status="failed", channel="email")
    assert email["deadline_id"] == route["id"] and email["attempts"] == 1
    assert "550" in email["last_error"] and "Mailbox unknown" in email["last_error"]

    box.refuse_with = None  # the address was fixed at the relay
    assert requeue_cli(db_url).startswith(f"requeued=1 {email['id']}")
    [again] = [r for r in reminders(client, pm, channel="email") if r["id"] == email["id"]]
    assert again["status"] == "pending" and again["attempts"] == 0
    # The CLI ran on the real clock: the requeued row is due from the real now on.
    clock.set(max(clock.now(), datetime.now(UTC)))
    assert run().delivery.sent == 1
    assert [m["To"] for m in box.messages] == ["priya@example.gov.uk"]
    assert requeue_cli(db_url).startswith("requeued=0")  # nothing failed any more
    events = client.get("/api/audit/events", params={"action": "reminder.requeued"}, headers=pm)
    assert events.json()["items"][0]["details"]["reminder_ids"] == [email["id"]]


def test_failed_reminder_requeued_over_the_api(
    client: TestClient,
    pm: dict[str, str],
    viewer: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, _ = mailbox
    box.refuse_with = "554 5.7.1 Relay denied"
    create(client, pm)
    clock.set(SLOT)
    run()
    [email] = reminders(client, pm, status="failed", channel="email")
    url = f"/api/reminders/{email['id']}/requeue"
    assert client.post(url, headers=viewer).status_code == 403
    assert client.post("/api/reminders/999999/requeue", headers=pm).status_code == 404
    box.refuse_with = None
    res = client.post(url, headers=pm)
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "pending" and res.json()["attempts"] == 0
    again = client.post(url, headers=pm)
    assert again.status_code == 409 and again.json()["error"] == "invalid_state"
    assert run().delivery.sent == 1 and len(box.messages) == 1


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


class Slow(RecordingNotifier):
    """Each send takes `minutes` of the frozen clock; `during` runs in send number `at`."""

    def __init__(
        self, clock: FrozenClock, during: Callable[[], object], at: int = 1, minutes: int = 4
    ) -> None:
        super().__init__()
        self.clock, self.during, self.at, self.minutes = clock, during, at, minutes

    def send(self, message: Notification) -> None:
        """Advance the clock, let another runner in (on send number `at`), record."""
        self.clock.advance(minutes=self.minutes)
        if len(self.sent) == self.at:
            self.during()
        super().send(message)


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


def test_cron_pass_via_cli(db: sessionmaker[Session], db_url: str, clock: FrozenClock) -> None:
    seed(db, clock, 2, at=datetime(2020, 1, 1, tzinfo=UTC))  # due before the real clock
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url, "HANDOVER_WEBHOOK_URL": ""}
    env.pop("HANDOVER_SMTP_HOST", None)
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "reminders", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    # No webhook is configured in that process: the rows are claimed and marked failed.
    assert "claimed=2" in out.stdout and "failed=2" in out.stdout
    again = subprocess.run(
        [sys.executable, "-m", "app.cli", "reminders", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "claimed=0" in again.stdout
    status = subprocess.run(
        [sys.executable, "-m", "app.cli", "reminders", "status"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert "failed 2" in lines  # and nobody to remind: the operator is told
    assert any(line.startswith("warning: no active user holds programme_manager") for line in lines)


def test_scheduler_starts_and_stops_with_the_lifespan(db_url: str, clock: FrozenClock) -> None:
    settings = Settings(
        database_url=db_url,
        environment="test",
        scheduler_enabled=True,
        scheduler_interval_seconds=3600,
    )
    app = create_app(settings, clock)
    with TestClient(app):
        scheduler = app.state.reminder_scheduler
        assert scheduler.running
        assert scheduler.pass_done.wait(30)  # the first pass runs at start-up
    assert not scheduler.running  # stop() woke the hour-long wait at once
    assert scheduler.passes == 1


def test_outbox_messages_delivered_after_commit(
    db: sessionmaker[Session],
    settings: Settings,
    client: TestClient,
    clock: FrozenClock,
    run: Callable[..., PassReport],
    receiver: tuple[Received, str],
) -> None:
    seen, _ = receiver
    with pytest.raises(RuntimeError), db.begin() as s:
        enqueue(
            session=s,
            topic="case.transitioned",
            payload={"case_id": 6},
            now=clock.now(),
            settings=settings,
        )
        raise RuntimeError("the change fails")
    assert run().delivery.claimed == 0  # rolled back with the change: nothing to send
    with db.begin() as s:
        msg = enqueue(
            session=s,
            topic="case.transitioned",
            payload={"case_id": 7},
            now=clock.now(),
            settings=settings,
            key="case.transitioned:1",
        )
        assert msg is not None
    assert run().delivery.sent == 1
    assert len(seen.requests) == 1
    with db.begin() as s:
        assert s.scalar(select(OutboxMessage.status)) == "sent"


def _issued_claim_sql(session: Session, now: datetime) -> list[tuple[str, DriverParams]]:
    """The statements claim_due really sends to the driver, with their parameters."""
    issued: list[tuple[str, DriverParams]] = []

    def capture(
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: DriverParams,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        issued.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        claim_due(session, REMINDERS, now=now, worker="w", limit=100)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return [(sql, params) for sql, params in issued if "next_attempt_at <=" in sql]


def test_due_query_uses_the_index(
    db: sessionmaker[Session], client: TestClient, clock: FrozenClock, is_postgres: bool
) -> None:
    now = clock.now()
    with db.begin() as s:  # a realistic table: many delivered, a few due
        deadline_id = s.scalar(
            insert(Deadline)
            .values(scope="t", key="k", kind="notice", date=date(2027, 1, 1), created_at=now)
            .values(updated_at=now, status="pending")
            .returning(Deadline.id)
        )
        rows = [
            {
                "deadline_id": deadline_id,
                "offset_days": 1,
                "due_at": now,
                "channel": "webhook",
                "recipient": "r",
                "idempotency_key": f"k{i}",
                "status": "pending" if i % 1000 == 0 else "sent",
                "attempts": 0,
                "next_attempt_at": now - timedelta(minutes=i % 50),
                "created_at": now,
                "updated_at": now,
            }
            for i in range(20000)
        ]
        s.execute(insert(Reminder), rows)
    with db.begin() as s:
        s.execute(text("ANALYZE"))
    with db.begin() as s:
        [(sql, params)] = _issued_claim_sql(s, now)
        s.rollback()
    with db.begin() as s:
        explain = "EXPLAIN " if is_postgres else "EXPLAIN QUERY PLAN "
        plan = "\n".join(str(r) for r in s.connection().exec_driver_sql(explain + sql, params))
    assert "ix_reminder_status_next_attempt_at" in plan, plan


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
