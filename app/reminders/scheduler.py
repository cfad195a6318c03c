"""One scheduler pass (escalate, then deliver) and the in-process scheduler thread."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import Clock
from app.config import Settings
from app.deadlines import events
from app.deadlines.models import OPEN_STATUSES, Deadline, Reminder
from app.deadlines.planning import cancel_pending, new_reminder
from app.deadlines.policy import (
    escalation_due,
    escalation_offset,
    latest_slot_day,
    policy_for,
)
from app.deadlines.service import local_today
from app.delivery.channels import (
    Channels,
    enabled_channels,
    people_named,
    recipients,
    roles_for,
)
from app.reminders.dispatch import Dispatcher, Tally
from app.reminders.roster import reconcile, staffing_warnings

log = logging.getLogger(__name__)


def worker_name() -> str:
    """A unique identity for claims: host, process and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class PassReport:
    """What one pass did."""

    missed: int = 0
    escalated: int = 0
    retargeted: int = 0
    """Open deadlines whose reminders were re-addressed to a changed roster."""
    delivery: Tally = field(default_factory=Tally)
    warnings: list[str] = field(default_factory=list)
    """Reminder roles nobody holds (roster.staffing_warnings)."""

    def as_dict(self) -> dict[str, int]:
        """Flat counts for logs and the CLI."""
        counts = {"missed": self.missed, "escalated": self.escalated}
        return {**counts, "retargeted": self.retargeted, **asdict(self.delivery)}


def _needs_escalating(today: date, slot_day: date) -> ColumnElement[bool]:
    """Open and passed, and either still to be marked missed or owed today's escalation."""
    return and_(
        Deadline.status.in_(OPEN_STATUSES),
        Deadline.date < today,
        or_(
            Deadline.status == "pending",
            and_(
                Deadline.date < slot_day,
                or_(Deadline.last_escalated_on.is_(None), Deadline.last_escalated_on < slot_day),
            ),
        ),
    )


def escalate(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    now: datetime,
    report: PassReport,
    limit: int = 1000,
    stop: threading.Event | None = None,
) -> None:
    """Mark passed deadlines missed and plan today's escalation for each, one transaction each.

    Batches of `limit`, in (date, id) order after the last one seen, skipping deadlines
    already escalated for the latest slot: however many are open, every pass progresses.
    """
    due = _needs_escalating(local_today(now, settings), latest_slot_day(now, settings.timezone))
    after: tuple[date, int] | None = None
    while stop is None or not stop.is_set():
        stmt = select(Deadline.date, Deadline.id).where(due)
        if after is not None:
            stmt = stmt.where(
                or_(
                    Deadline.date > after[0],
                    and_(Deadline.date == after[0], Deadline.id > after[1]),
                )
            )
        with sessions.begin() as session:
            batch = session.execute(stmt.order_by(Deadline.date, Deadline.id).limit(limit)).all()
        for when, deadline_id in batch:
            if stop is not None and stop.is_set():
                return
            try:
                with sessions.begin() as session:
                    _escalate_one(session, deadline_id, settings=settings, now=now, report=report)
            except Exception:
                log.exception("escalating deadline %s failed", deadline_id)
                report.delivery.errors += 1
            after = (when, deadline_id)
        if len(batch) < limit:
            return


def _mark_missed(session: Session, d: Deadline, *, now: datetime) -> None:
    """A pending deadline whose day has ended: missed, its "N days before" reminders gone."""
    d.status, d.updated_at = "missed", now
    # "N days before" reminders still queued would now be wrong: escalations replace them.
    cancelled = cancel_pending(session, d, now=now)
    events.record(
        session,
        d,
        action="deadline.missed",
        actor=None,
        now=now,
        details={"cancelled_reminders": cancelled},
    )


def _escalate_one(
    session: Session, deadline_id: int, *, settings: Settings, now: datetime, report: PassReport
) -> None:
    # SKIP LOCKED: another runner escalating this deadline right now will do it for us.
    d = session.scalars(
        select(Deadline)
        .where(Deadline.id == deadline_id, Deadline.status.in_(OPEN_STATUSES))
        .with_for_update(skip_locked=True)
    ).first()
    if d is None:
        return
    if d.status == "pending":
        _mark_missed(session, d, now=now)
        report.missed += 1
    slot = escalation_due(
        d.date, now=now, tz=settings.timezone, last_escalated_on=d.last_escalated_on
    )
    if slot is None:
        return
    policy = policy_for(d.kind)
    offset = escalation_offset(d.date, slot, settings.timezone)
    who = recipients(
        session,
        roles=roles_for(session, policy.recipient_roles, policy.escalation_roles),
        settings=settings,
        channels=enabled_channels(settings, policy.channels),
    )
    known = set(
        session.scalars(select(Reminder.idempotency_key).where(Reminder.deadline_id == d.id))
    )
    rows = [new_reminder(d, offset, slot, r, now) for r in who]
    session.add_all([r for r in rows if r.idempotency_key not in known])
    d.last_escalated_on = d.date - timedelta(days=offset)
    session.flush()
    events.record(
        session,
        d,
        action="deadline.escalated",
        actor=None,
        now=now,
        details={
            "offset_days": offset,
            # Names and channels, not addresses: anyone signed in may read the audit trail.
            "recipients": people_named(session, who),
            "channels": sorted({r.channel for r in who}),
        },
    )
    report.escalated += 1


def _retarget(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    now: datetime,
    report: PassReport,
    stop: threading.Event | None,
) -> None:
    """Re-address reminders to the current roster; a failure must not stop delivery."""
    try:
        report.retargeted = reconcile(sessions=sessions, settings=settings, now=now, stop=stop)
        with sessions.begin() as session:
            report.warnings = staffing_warnings(session)
    except Exception:
        log.exception("re-addressing reminders to the current roster failed")
        report.delivery.errors += 1
        return
    for warning in report.warnings if report.retargeted else ():
        log.warning("reminders: %s", warning)


def run_pass(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    clock: Clock,
    channels: Channels | None = None,
    worker: str | None = None,
    batch: int = 100,
    lease: timedelta | None = None,
    stop: threading.Event | None = None,
) -> PassReport:
    """One pass: escalate missed deadlines, then deliver every due reminder and message.

    `stop`, once set, ends the pass after the deadline or send in progress.
    """
    report = PassReport()
    _retarget(sessions=sessions, settings=settings, now=clock.now(), report=report, stop=stop)
    escalate(sessions=sessions, settings=settings, now=clock.now(), report=report, stop=stop)
    dispatcher = Dispatcher(
        stop=stop,
        sessions=sessions,
        clock=clock,
        worker=worker or worker_name(),
        batch=batch,
        lease=lease or timedelta(seconds=settings.reminder_lease_seconds),
        channels=channels if channels is not None else Channels.from_settings(settings, clock),
    )
    dispatcher.run_all(report.delivery)
    return report


class Scheduler:
    """Runs passes on a thread every `interval` seconds; stop() ends it after one send."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        settings: Settings,
        clock: Clock,
        interval: float,
        channels: Channels | None = None,
    ) -> None:
        self.sessions, self.settings, self.clock = sessions, settings, clock
        self.interval, self.channels = interval, channels
        self.worker = worker_name()
        self.passes = 0
        self.pass_done = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            self._stop.clear()
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="handover-reminders", daemon=True)
        self._thread.start()

    def request_stop(self) -> None:
        """Ask the thread to stop after the send in progress; does not wait."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait up to `timeout` seconds for the thread to end; whether it has."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        if thread.is_alive():
            return False
        self._thread = None
        return True

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the thread and wait for it (up to `timeout`); whether it has ended."""
        self.request_stop()
        stopped = self.join(timeout)
        if not stopped:
            log.warning("reminder scheduler still finishing a send after %ss", timeout)
        return stopped

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_pass(
                    sessions=self.sessions,
                    settings=self.settings,
                    clock=self.clock,
                    channels=self.channels,
                    worker=self.worker,
                    stop=self._stop,
                )
            except Exception:  # the scheduler must outlive a bad pass (database restarting…)
                log.exception("reminder pass failed")
            self.passes += 1
            self.pass_done.set()
            # Event.wait, not sleep: stop() wakes it at once.
            self._stop.wait(self.interval)
