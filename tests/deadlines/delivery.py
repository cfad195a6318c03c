"""Shared setup for the reminder delivery tests: seeded reminders, a slow notifier, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.deadlines.models import Deadline, Reminder
from app.delivery.channels import roster_fingerprint
from app.delivery.notifiers import Notification, RecordingNotifier

SLOT = datetime(2026, 12, 3, 9, tzinfo=UTC)


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


def cli(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`handover reminders ARGS` in another process, as an operator or cron would run it."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "reminders", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def requeue_cli(db_url: str, *ids: int) -> str:
    """`handover reminders requeue` in another process, as an operator would run it."""
    out = cli({**os.environ, "HANDOVER_DATABASE_URL": db_url}, "requeue", *map(str, ids))
    assert out.returncode == 0, out.stderr
    return out.stdout


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
