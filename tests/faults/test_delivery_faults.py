"""Delivery under faults: SMTP down then back, a hung webhook, a killed runner, racing runners."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypedDict, Unpack, cast

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.db.session import make_engine, make_sessionmaker
from app.deadlines.models import Deadline, Reminder
from app.delivery.channels import roster_fingerprint
from app.delivery.notifiers import KEY_HEADER
from app.main import create_app
from app.outbox.claims import claim_due
from app.reminders.dispatch import REMINDERS
from app.reminders.scheduler import Scheduler, run_pass
from tests.deadlines.conftest import Mailbox, free_port
from tests.deadlines.test_reminders_flow import create, reminders

SLOT = datetime(2026, 12, 3, 9, tzinfo=UTC)


class _Overrides(TypedDict, total=False):
    """The Settings fields these tests vary."""

    smtp_host: str
    smtp_port: int
    webhook_url: str
    webhook_secret: str
    webhook_timeout_seconds: float


def _settings(db_url: str, **overrides: Unpack[_Overrides]) -> Settings:
    return Settings(
        database_url=db_url,
        environment="test",
        scheduler_enabled=False,
        smtp_sender="handover@exit.example.gov.uk",
        **overrides,
    )


def seed_emails(db: sessionmaker[Session], n: int, due: datetime) -> None:
    """One deadline with n due e-mail reminders to n addresses, planned for today's roster."""
    with db.begin() as s:
        d = Deadline(
            roster=roster_fingerprint(s),
            scope="test:1",
            key="k",
            kind="notice",
            date=date(2027, 1, 1),
            status="pending",
            created_at=due,
            updated_at=due,
        )
        s.add(d)
        s.flush()
        for i in range(n):
            s.add(
                Reminder(
                    deadline_id=d.id,
                    offset_days=i,
                    due_at=due,
                    channel="email",
                    recipient=f"r{i}@example.gov.uk",
                    idempotency_key=f"email:{i}",
                    status="pending",
                    attempts=0,
                    next_attempt_at=due,
                    created_at=due,
                    updated_at=due,
                )
            )


def _keys(box: Mailbox) -> list[str]:
    return [str(m[KEY_HEADER]) for m in box.messages]


def test_smtp_down_then_back_delivers_once(
    db_url: str, clock: FrozenClock, make_user: Callable[..., dict[str, str]]
) -> None:
    port = free_port()  # nothing listens here yet: the relay is down
    settings = _settings(db_url, smtp_host="127.0.0.1", smtp_port=port)
    app = create_app(settings, clock)
    with TestClient(app) as client:
        pm = make_user("pat", "programme_manager", email="pat@example.gov.uk")
        create(client, pm)
        clock.set(SLOT)
        down = run_pass(sessions=app.state.sessionmaker, settings=settings, clock=clock)
        assert down.delivery.retrying == 1
        [email] = reminders(client, pm, channel="email", status="pending", limit=1)
        assert email["attempts"] == 1 and "SMTP" in email["last_error"]

        box = Mailbox()
        relay = Controller(box, hostname="127.0.0.1", port=port)
        relay.start()  # the relay is back, on the same address
        try:
            early = run_pass(sessions=app.state.sessionmaker, settings=settings, clock=clock)
            assert early.delivery.claimed == 0  # the backoff is honoured, no hammering
            clock.set(datetime.fromisoformat(email["next_attempt_at"]))
            back = run_pass(sessions=app.state.sessionmaker, settings=settings, clock=clock)
            assert back.delivery.sent == 1
            clock.advance(days=1, minutes=1)
            run_pass(sessions=app.state.sessionmaker, settings=settings, clock=clock)
        finally:
            relay.stop()
        [sent] = [r for r in reminders(client, pm, channel="email") if r["id"] == email["id"]]
        assert sent["status"] == "sent" and sent["attempts"] == 2
    assert [m["To"] for m in box.messages].count("pat@example.gov.uk") == 1
    assert len(set(_keys(box))) == len(box.messages)  # nothing was sent twice


@pytest.fixture
def hanging_hook() -> Iterator[str]:
    """A real HTTP endpoint that accepts connections and never answers a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)  # held open, never read, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    finally:
        done.set()
        listener.close()
        for conn in held:
            conn.close()
        thread.join(5)


def test_a_hanging_webhook_times_out_and_the_scheduler_carries_on(
    db_url: str,
    clock: FrozenClock,
    make_user: Callable[..., dict[str, str]],
    mailbox: tuple[Mailbox, int],
    hanging_hook: str,
) -> None:
    box, port = mailbox
    timeout = 0.5
    settings = _settings(
        db_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        webhook_url=hanging_hook,
        webhook_secret="test-webhook-secret-0123456789abcdef",
        webhook_timeout_seconds=timeout,
    )
    app = create_app(settings, clock)
    with TestClient(app) as client:
        pm = make_user("pat", "programme_manager", email="pat@example.gov.uk")
        create(client, pm)
        clock.set(SLOT)
        started = time.monotonic()
        report = run_pass(sessions=app.state.sessionmaker, settings=settings, clock=clock)
        elapsed = time.monotonic() - started
        hooks = [
            h for h in reminders(client, pm, channel="webhook", status="pending") if h["attempts"]
        ]
        assert report.delivery.retrying == len(hooks) >= 1
        assert all("timed out" in h["last_error"] for h in hooks), hooks
        # Each hung send took about the timeout, not minutes; the pass went on past them.
        assert elapsed < len(hooks) * timeout + 5, elapsed
        assert {r["channel"] for r in reminders(client, pm, status="sent")} >= {"email", "in_app"}
        assert len(box.messages) >= 1

        # The scheduler thread also passes the hung receiver and still stops on request.
        clock.set(max(datetime.fromisoformat(h["next_attempt_at"]) for h in hooks))
        scheduler = Scheduler(
            sessions=app.state.sessionmaker, settings=settings, clock=clock, interval=3600
        )
        scheduler.start()
        assert scheduler.pass_done.wait(len(hooks) * timeout + 30)
        assert scheduler.stop(timeout=timeout + 5) and scheduler.passes == 1
        again = reminders(client, pm, channel="webhook", status="pending")
        assert {h["attempts"] for h in again if h["id"] in {k["id"] for k in hooks}} == {2}


def test_a_runner_killed_between_claim_and_send_is_sent_once_after_its_lease(
    db: sessionmaker[Session],
    db_url: str,
    client: TestClient,
    clock: FrozenClock,
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    settings = _settings(db_url, smtp_host="127.0.0.1", smtp_port=port)
    seed_emails(db, 5, clock.now())
    with db.begin() as s:  # this runner claims, then dies before sending anything
        assert len(claim_due(s, REMINDERS, now=clock.now(), worker="killed", limit=10)) == 5
    sessions = cast(FastAPI, client.app).state.sessionmaker
    live = run_pass(sessions=sessions, settings=settings, clock=clock)
    assert live.delivery.claimed == 0 and box.messages == []  # the lease still protects them
    clock.advance(seconds=settings.reminder_lease_seconds + 1)
    assert run_pass(sessions=sessions, settings=settings, clock=clock).delivery.sent == 5
    clock.advance(days=1)
    assert run_pass(sessions=sessions, settings=settings, clock=clock).delivery.claimed == 0
    assert sorted(_keys(box)) == [f"email:{i}" for i in range(5)]


def _cron_pass(db_url: str, smtp_port: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "HANDOVER_DATABASE_URL": db_url,
        "HANDOVER_SMTP_HOST": "127.0.0.1",
        "HANDOVER_SMTP_PORT": str(smtp_port),
        "HANDOVER_SMTP_SENDER": "handover@exit.example.gov.uk",
        "HANDOVER_WEBHOOK_URL": "",
    }
    argv = [sys.executable, "-m", "app.cli", "reminders", "run"]
    pipe = subprocess.PIPE
    return subprocess.Popen(argv, env=env, stdout=pipe, stderr=pipe, text=True)


class SlowRelay(Mailbox):
    """A relay taking 10 ms per message, so a pass outlasts the cron process's start-up."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_relay() -> Iterator[tuple[Mailbox, int]]:
    """A real aiosmtpd relay that is a little slow."""
    box, port = SlowRelay(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def test_two_schedulers_and_a_cron_pass_racing_send_each_mail_once(
    db: sessionmaker[Session], db_url: str, slow_relay: tuple[Mailbox, int]
) -> None:
    box, port = slow_relay
    # More rows than two batches of 100: each runner claims again and again, against the others.
    n = 300
    # The cron process runs on the real clock: the rows are due well before it.
    seed_emails(db, n, datetime(2020, 1, 1, tzinfo=UTC))
    now = FrozenClock(datetime.now(UTC))
    settings = _settings(db_url, smtp_host="127.0.0.1", smtp_port=port)
    engines = [make_engine(settings) for _ in range(2)]  # like two app processes
    schedulers = []
    for engine in engines:
        sessions = make_sessionmaker(engine)
        schedulers.append(Scheduler(sessions=sessions, settings=settings, clock=now, interval=3600))
    cron = _cron_pass(db_url, port)
    try:
        for scheduler in schedulers:
            scheduler.start()
        out, err = cron.communicate(timeout=120)
        assert cron.returncode == 0 and "claimed=" in out, err
        for scheduler in schedulers:
            assert scheduler.pass_done.wait(120)
            assert scheduler.stop()
    finally:
        if cron.poll() is None:
            cron.kill()
        for engine in engines:
            engine.dispose()
    keys = _keys(box)
    print(f"cron pass: {out.strip()}")  # how the work was shared, for whoever reads -s
    assert len(keys) == n and len(set(keys)) == n, f"{len(keys)} sent, {len(set(keys))} distinct"
    with db.begin() as s:
        assert s.scalar(select(func.count()).where(Reminder.status != "sent")) == 0
