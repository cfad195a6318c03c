"""Claiming due rows with a lease, and recording delivery outcomes (reminders and outbox).

Works on any table with the delivery columns: id, status, attempts, next_attempt_at,
lease_until, claimed_by, sent_at, last_error. Claims are short transactions; sending
happens outside any transaction; the outcome is recorded in another short transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, or_, select, update
from sqlalchemy.orm import Session

from app.delivery.notifiers import MAX_ATTEMPTS, DeliveryError, retry_at

DEFAULT_LEASE = timedelta(minutes=5)


def due_condition(table: Table, now: datetime) -> ColumnElement[bool]:
    """Pending, due, and not held by a live lease (the index covers status, next_attempt_at)."""
    c = table.c
    return and_(
        c.status == "pending",
        c.next_attempt_at <= now,
        or_(c.lease_until.is_(None), c.lease_until < now),
    )


def claim_due(
    session: Session,
    table: Table,
    *,
    now: datetime,
    worker: str,
    limit: int,
    lease: timedelta = DEFAULT_LEASE,
) -> list[int]:
    """Claim up to `limit` due rows for `worker` until now + lease; returns their ids."""
    c = table.c
    values = {"claimed_by": worker, "lease_until": now + lease}
    due = select(c.id).where(due_condition(table, now)).order_by(c.next_attempt_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Rows another runner has locked are skipped, not waited for: runners share work.
        ids = list(session.scalars(due.with_for_update(skip_locked=True)))
        if ids:
            session.execute(update(table).where(c.id.in_(ids)).values(**values))
        return ids
    # SQLite has no row locks: one UPDATE … RETURNING is atomic under the write lock, and
    # repeating the due condition makes a second runner's identical claim match nothing.
    stmt = (
        update(table)
        .where(c.id.in_(due), due_condition(table, now))
        .values(**values)
        .returning(c.id)
    )
    return [row[0] for row in session.execute(stmt)]


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def held_by(table: Table, row_id: int, worker: str, now: datetime) -> ColumnElement[bool]:
    """The row is pending and `worker` holds a live claim on it (the lease has not run out)."""
    c = table.c
    return and_(
        c.id == row_id,
        c.status == "pending",
        c.claimed_by == worker,
        c.lease_until.is_not(None),
        c.lease_until >= now,
    )


def renew(
    session: Session,
    table: Table,
    *,
    row_id: int,
    worker: str,
    now: datetime,
    lease: timedelta = DEFAULT_LEASE,
) -> bool:
    """Extend the worker's live claim to now + lease just before sending; False if lost."""
    result = session.execute(
        update(table).where(held_by(table, row_id, worker, now)).values(lease_until=now + lease)
    )
    return _rowcount(result) == 1


def release(session: Session, table: Table, *, ids: list[int], worker: str) -> int:
    """Give back claims the worker will not use (stopping), so others need not wait."""
    if not ids:
        return 0
    c = table.c
    result = session.execute(
        update(table)
        .where(c.id.in_(ids), c.claimed_by == worker, c.status == "pending")
        .values(claimed_by=None, lease_until=None)
    )
    return _rowcount(result)


def mark_sent(session: Session, table: Table, *, row_id: int, worker: str, now: datetime) -> bool:
    """Record a delivery under the worker's live claim on a pending row; False otherwise."""
    c = table.c
    values: dict[str, Any] = {
        "status": "sent",
        "sent_at": now,
        "attempts": c.attempts + 1,
        "lease_until": None,
        "last_error": None,
    }
    if "updated_at" in c:
        values["updated_at"] = now
    result = session.execute(
        update(table)
        .where(held_by(table, row_id, worker, now), c.sent_at.is_(None))
        .values(**values)
    )
    return _rowcount(result) == 1


def note_sent_anyway(
    session: Session, table: Table, *, row_id: int, worker: str, now: datetime
) -> bool:
    """Record that a send went out after its row was cancelled (it stays cancelled)."""
    # sent_at set on a cancelled row: replanning never brings it back to be sent again.
    c = table.c
    result = session.execute(
        update(table)
        .where(
            c.id == row_id,
            c.status == "cancelled",
            c.claimed_by == worker,
            c.sent_at.is_(None),
        )
        .values(sent_at=now, lease_until=None)
    )
    return _rowcount(result) == 1


def mark_failed(
    session: Session,
    table: Table,
    *,
    row_id: int,
    worker: str,
    now: datetime,
    error: DeliveryError,
    max_attempts: int = MAX_ATTEMPTS,
) -> str | None:
    """Record a failed attempt: retry later with backoff, or 'failed'; None if claim lost."""
    c = table.c
    attempts = session.scalar(
        select(c.attempts).where(c.id == row_id, c.claimed_by == worker, c.status == "pending")
    )
    if attempts is None:
        return None
    attempts += 1
    again = retry_at(error, attempts=attempts, now=now, max_attempts=max_attempts)
    values: dict[str, Any] = {
        "attempts": attempts,
        "lease_until": None,
        "last_error": error.message[:2000],
        "status": "pending" if again else "failed",
    }
    if again is not None:
        values["next_attempt_at"] = again
    if "updated_at" in c:
        values["updated_at"] = now
    result = session.execute(
        update(table)
        .where(c.id == row_id, c.claimed_by == worker, c.status == "pending")
        .values(**values)
    )
    return str(values["status"]) if _rowcount(result) == 1 else None
