"""Appending to the audit chain: each event signed with an HMAC key kept outside the database."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, sessionmaker

from app.audit import anchors, stored
from app.audit.models import AuditEvent, AuditHead
from app.audit.setup import setup_for

HASHED_FIELDS = stored.EVENT_FIELDS


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
    """The public scheme of events before keys (key_id NULL): sha256(prev_hash + canonical)."""
    return hashlib.sha256(prev_hash.encode() + canonical(fields)).hexdigest()


def bind_url(session: Session) -> str:
    """The URL of the database a session writes to, which names its audit setup."""
    return session.get_bind().engine.url.render_as_string(hide_password=False)


PENDING = "handover.audit_pending"
SEALED = "handover.audit_sealed"


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
    audit = setup_for(bind_url(session))
    ring = audit.ring()  # before the lock: a missing key file must not hold the head
    key_id = ring.current_id
    conn = session.connection()  # Core statements: the ORM layer costs more than the writes
    head = conn.execute(_LOCK_HEAD).one()
    seq, prev = head.seq, head.hash
    rows = []
    for event in pending:
        seq += 1
        event.seq, event.prev_hash, event.key_id = seq, prev, key_id
        values = stored.row_values(_row_fields(event), key_id, prev)
        event.hash = prev = ring.mac(key_id, stored.mac_message(stored.signed_texts(values)))
        rows.append({**values, "hash": prev})
    # One batched INSERT for the transaction's events (an import seals thousands at once);
    # a batch returns its rows in no promised order, so each id is matched by its seq.
    inserted = conn.execute(stored.insert_statement(conn.dialect.name), rows)
    ids = {seq: event_id for event_id, seq in inserted}
    for event in pending:
        event.id = ids[event.seq]
    conn.execute(_MOVE_HEAD, {"seq": seq, "hash": prev})
    first_seq = session.info.get(SEALED, (head.seq,))[0]
    session.info[SEALED] = (first_seq, seq, prev, audit)


_HEAD = cast(Table, AuditHead.__table__)
# FOR UPDATE on PostgreSQL; on SQLite BEGIN IMMEDIATE already holds the write lock.
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = (
    update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("seq"), hash=bindparam("hash"))
)


def install(sessions: sessionmaker[Session]) -> None:
    """Seal queued events before each commit of these sessions, anchor after, drop on rollback."""
    # On a sessionmaker, not the Session class: only sessions the app builds seal, so a
    # plain Session(engine) elsewhere (a script, a test) never touches the chain.
    sa_event.listen(sessions, "before_commit", _seal_before_commit)
    sa_event.listen(sessions, "after_commit", _anchor_after_commit)
    sa_event.listen(sessions, "after_rollback", _drop_pending)


def _seal_before_commit(session: Session) -> None:
    # A safety net: services seal explicitly when they need the sealed event in a response.
    seal(session)


def _anchor_after_commit(session: Session) -> None:
    # Only a committed head may be anchored: an anchor names an event that must exist.
    sealed = session.info.pop(SEALED, None)
    if sealed is not None:
        first_seq, seq, hash_, audit = sealed
        anchors.anchor_if_due(audit, first_seq, seq, hash_)


def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(SEALED, None)


def _row_fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}
