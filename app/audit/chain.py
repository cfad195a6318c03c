"""Appending to the hash chain and verifying it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.audit.models import GENESIS_HASH, AuditEvent, AuditHead

HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "roles",
    "action",
    "case_id",
    "contract_id",
    "trigger",
    "from_state",
    "to_state",
    "reason",
    "evidence",
    "details",
)


def jsonable(value: Any) -> Any:
    """The value as it will read back from a JSON column (dates and decimals as strings)."""
    return json.loads(json.dumps(value, default=str))


def _numbers(value: Any) -> Any:
    """Integral floats as ints: PostgreSQL's JSONB reads 1e20 or 2.0 back as an int."""
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    return value


def canonical(fields: dict[str, Any]) -> bytes:
    """Canonical JSON of an event's hashed fields, the same whichever database read them."""
    body = {k: _numbers(fields[k]) for k in HASHED_FIELDS}
    at = body["at"]
    body["at"] = at.isoformat() if isinstance(at, datetime) else at
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """sha256(prev_hash + canonical JSON of the event)."""
    return hashlib.sha256(prev_hash.encode() + canonical(fields)).hexdigest()


PENDING = "handover.audit_pending"


def append(session: Session, fields: dict[str, Any]) -> AuditEvent:
    """Queue an event for the chain; it is sealed (seq, hashes) by `seal` before commit."""
    fields = {**fields, "evidence": jsonable(fields.get("evidence") or [])}
    fields["details"] = jsonable(fields.get("details") or {})
    event = AuditEvent(**fields)
    session.info.setdefault(PENDING, []).append(event)
    return event


def seal(session: Session) -> None:
    """Chain every queued event of this transaction, taking the head lock only now."""
    pending: list[AuditEvent] = session.info.pop(PENDING, [])
    if not pending:
        return
    # The head row is the one serialization point: two writers must never read the same
    # prev_hash. It is locked as late as possible (after every other row this transaction
    # touches) so it is held briefly and never taken before a case row: no lock cycles.
    conn = session.connection()  # Core statements: the ORM layer costs more than the writes
    head = conn.execute(_LOCK_HEAD).one()
    seq, prev = head.seq, head.hash
    for event in pending:
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = event_hash(prev, _row_fields(event))
        values = {key: getattr(event, key) for key in _INSERT_KEYS}
        event.id = conn.execute(_INSERT_EVENT, values).scalar_one()
    conn.execute(_MOVE_HEAD, {"seq": seq, "hash": prev})


_EVENTS = cast(Table, AuditEvent.__table__)
_INSERT_KEYS = [c.key for c in _EVENTS.columns if c.key != "id"]
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)
_HEAD = cast(Table, AuditHead.__table__)
# FOR UPDATE on PostgreSQL; on SQLite BEGIN IMMEDIATE already holds the write lock.
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = (
    update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("seq"), hash=bindparam("hash"))
)


@sa_event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    # A safety net: services seal explicitly when they need the sealed event in a response.
    seal(session)


@sa_event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of recomputing the chain."""

    ok: bool
    events: int
    first_bad: int | None
    problem: str | None


def _row_fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def verify(session: Session, batch: int = 1000) -> VerifyResult:
    """Recompute the whole chain and name the first event that does not fit."""
    prev, expected_seq, count = GENESIS_HASH, 1, 0
    stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    for event in session.scalars(stmt):
        count += 1
        problem = _check(event, prev, expected_seq)
        if problem:
            return VerifyResult(False, count, event.id, problem)
        prev, expected_seq = event.hash, event.seq + 1
        session.expunge(event)
    head = session.execute(select(AuditHead.seq, AuditHead.hash)).one()
    if (head.seq, head.hash) != (expected_seq - 1, prev):
        return VerifyResult(
            False, count, None, f"chain head says seq {head.seq}; events end at {expected_seq - 1}"
        )
    return VerifyResult(True, count, None, None)


def _check(event: AuditEvent, prev: str, expected_seq: int) -> str | None:
    if event.seq != expected_seq:
        return f"event seq {event.seq} where {expected_seq} was expected (an event is missing)"
    if event.prev_hash != prev:
        return f"event {event.id} does not link to the event before it"
    if event_hash(prev, _row_fields(event)) != event.hash:
        return f"event {event.id} has been altered: its hash does not match its content"
    return None
