"""Sending claimed reminders and outbox messages: claim briefly, send outside, record after."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, sessionmaker

from app.clock import Clock
from app.contracts.models import Contract
from app.deadlines.models import Deadline, InAppNotification, Reminder
from app.delivery.channels import Channels
from app.delivery.notifiers import DeliveryError, Notification
from app.outbox.claims import (
    DEFAULT_LEASE,
    claim_due,
    mark_failed,
    mark_sent,
    note_sent_anyway,
    release,
    renew,
)
from app.outbox.models import OutboxMessage

log = logging.getLogger(__name__)
REMINDERS: Table = Reminder.__table__  # type: ignore[assignment]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Outgoing:
    """A claimed row, ready to send without touching the database."""

    row_id: int
    channel: str
    message: Notification
    user_id: int | None = None
    deadline_id: int | None = None


@dataclass
class Tally:
    """Counts for one pass."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    lost: int = 0
    errors: int = 0


def compose(
    reminder: Reminder, deadline: Deadline, ref: str | None, title: str | None
) -> Notification:
    """The words of a reminder or escalation, and its machine-readable payload."""
    what = f"{deadline.kind.replace('_', ' ')} deadline {deadline.date.isoformat()}"
    about = f"{ref}: {title}" if ref else f"case {deadline.case_id}"
    n = reminder.offset_days
    if n >= 0:
        when = "today" if n == 0 else f"in {n} day{'s' if n != 1 else ''}"
        subject = f"Handover: {what} {when} ({about})"
    else:
        subject = (
            f"Handover ESCALATION: {what} missed {-n} day{'s' if n != -1 else ''} ago ({about})"
        )
    body = f"{deadline.detail or what}\n\nDeadline: {deadline.date.isoformat()}\nAbout: {about}\n"
    payload = {
        "event": "reminder" if n >= 0 else "escalation",
        "reminder_id": reminder.id,
        "deadline_id": deadline.id,
        "kind": deadline.kind,
        "date": deadline.date.isoformat(),
        "offset_days": n,
        "contract_id": deadline.contract_id,
        "case_id": deadline.case_id,
    }
    return Notification(subject[:500], body, reminder.recipient, reminder.idempotency_key, payload)


def _load_reminders(session: Session, ids: list[int]) -> list[Outgoing]:
    rows = session.execute(
        select(Reminder, Deadline, Contract.reference, Contract.title)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .outerjoin(Contract, Contract.id == Deadline.contract_id)
        .where(Reminder.id.in_(ids))
        .order_by(Reminder.next_attempt_at, Reminder.id)
    )
    return [
        Outgoing(r.id, r.channel, compose(r, d, ref, title), r.user_id, d.id)
        for r, d, ref, title in rows
    ]


def _load_outbox(session: Session, ids: list[int]) -> list[Outgoing]:
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )
    return [
        Outgoing(
            m.id,
            m.channel,
            Notification(m.subject, m.body, m.recipient, m.idempotency_key, dict(m.payload)),
        )
        for m in rows
    ]


Loader = Callable[[Session, list[int]], list[Outgoing]]


@dataclass
class Dispatcher:
    """Claims due rows of one table, sends them, records outcomes; one worker identity."""

    sessions: sessionmaker[Session]
    clock: Clock
    channels: Channels
    worker: str
    batch: int = 100
    lease: timedelta = DEFAULT_LEASE

    stop: threading.Event | None = None
    """Set it to stop after the send in progress; claims not yet used are released."""

    def stopping(self) -> bool:
        """Whether the owner asked this dispatcher to stop."""
        return self.stop is not None and self.stop.is_set()

    def run(self, table: Table, load: Loader, tally: Tally, max_batches: int = 100) -> None:
        """Claim and send batches until nothing is due (or max_batches, or stopping)."""
        for _ in range(max_batches):
            if self.stopping():
                return
            with self.sessions.begin() as session:
                now = self.clock.now()
                ids = claim_due(
                    session, table, now=now, worker=self.worker, limit=self.batch, lease=self.lease
                )
                items = load(session, ids) if ids else []
            tally.claimed += len(items)
            for index, item in enumerate(items):
                if self.stopping():
                    self._release(table, [i.row_id for i in items[index:]])
                    return
                self._one(table, item, tally)
            if len(ids) < self.batch:
                return

    def _release(self, table: Table, ids: list[int]) -> None:
        with self.sessions.begin() as session:
            release(session, table, ids=ids, worker=self.worker)

    def _still_ours(self, table: Table, item: Outgoing) -> bool:
        # The batch's lease may have run out while earlier rows were sent, and another
        # runner may have claimed this one: check, and extend the lease for this send.
        with self.sessions.begin() as session:
            return renew(
                session,
                table,
                row_id=item.row_id,
                worker=self.worker,
                now=self.clock.now(),
                lease=self.lease,
            )

    def _one(self, table: Table, item: Outgoing, tally: Tally) -> None:
        # One failure must not stop the batch: log it, count it, move on.
        try:
            if item.channel == "in_app":
                self._record_in_app(item, tally)  # one transaction: needs no renewal
                return
            if not self._still_ours(table, item):
                tally.lost += 1
                return
            notifier = self.channels.for_channel(item.channel)
            if notifier is None:
                raise DeliveryError(f"channel {item.channel!r} is not configured", retryable=False)
            notifier.send(item.message)
        except DeliveryError as exc:
            self._record_failure(table, item, exc, tally)
            return
        except Exception as exc:
            log.exception("delivery of %s %s crashed", table.name, item.row_id)
            tally.errors += 1
            self._record_failure(table, item, DeliveryError(repr(exc), retryable=True), tally)
            return
        self._record_sent(table, item, tally)

    def _record_sent(self, table: Table, item: Outgoing, tally: Tally) -> None:
        with self.sessions.begin() as session:
            now = self.clock.now()
            ok = mark_sent(session, table, row_id=item.row_id, worker=self.worker, now=now)
            if not ok and note_sent_anyway(
                session, table, row_id=item.row_id, worker=self.worker, now=now
            ):
                log.warning("%s %s went out after it was cancelled", table.name, item.row_id)
        tally.sent += ok
        tally.lost += not ok

    def _record_in_app(self, item: Outgoing, tally: Tally) -> None:
        # The notification row and the "sent" mark commit together: exactly once.
        with self.sessions.begin() as session:
            now = self.clock.now()
            if not mark_sent(session, REMINDERS, row_id=item.row_id, worker=self.worker, now=now):
                tally.lost += 1
                return
            if item.user_id is not None:
                session.add(
                    InAppNotification(
                        user_id=item.user_id,
                        reminder_id=item.row_id,
                        deadline_id=item.deadline_id,
                        subject=item.message.subject,
                        body=item.message.body,
                        created_at=now,
                    )
                )
        tally.sent += 1

    def _record_failure(
        self, table: Table, item: Outgoing, exc: DeliveryError, tally: Tally
    ) -> None:
        try:
            with self.sessions.begin() as session:
                status = mark_failed(
                    session,
                    table,
                    row_id=item.row_id,
                    worker=self.worker,
                    now=self.clock.now(),
                    error=exc,
                )
        except Exception:
            log.exception("could not record the failure of %s %s", table.name, item.row_id)
            tally.errors += 1
            return
        if status is None:
            tally.lost += 1
        elif status == "failed":
            tally.failed += 1
        else:
            tally.retrying += 1

    def run_all(self, tally: Tally) -> None:
        """Reminders, then outbox messages."""
        self.run(REMINDERS, _load_reminders, tally)
        self.run(OUTBOX, _load_outbox, tally)
