"""Reminder delivery at run time: the cron CLI, the lifespan scheduler, the outbox, the index."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.deadlines.models import Deadline, Reminder
from app.main import create_app
from app.outbox.claims import claim_due
from app.outbox.models import OutboxMessage
from app.outbox.service import enqueue
from app.reminders.dispatch import REMINDERS
from app.reminders.scheduler import PassReport
from tests.deadlines.conftest import Received
from tests.deadlines.delivery import cli, seed

# What a DB-API driver receives as one statement's parameters (and exec_driver_sql takes back).
DriverParams = Sequence[Any] | Mapping[str, Any]


def test_cron_pass_via_cli(db: sessionmaker[Session], db_url: str, clock: FrozenClock) -> None:
    seed(db, clock, 2, at=datetime(2020, 1, 1, tzinfo=UTC))  # due before the real clock
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url, "HANDOVER_WEBHOOK_URL": ""}
    env.pop("HANDOVER_SMTP_HOST", None)
    out = cli(env, "run")
    assert out.returncode == 0, out.stderr
    # No webhook is configured in that process: the rows are claimed and marked failed.
    assert "claimed=2" in out.stdout and "failed=2" in out.stdout
    again = cli(env, "run")
    assert "claimed=0" in again.stdout
    status = cli(env, "status")
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
