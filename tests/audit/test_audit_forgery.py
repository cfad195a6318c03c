"""Someone with the database but not the audit key cannot forge, rewrite or cut the chain."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit import chain, keys, stored
from app.audit.models import AuditEvent, AuditHead
from app.config import Settings

CONTRACT = {"reference": "R-1", "title": "Hosting", "buyer": {"name": "Home Office"}}
AT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Anchor the head at every commit, so any cut of the tail passes an anchor."""
    return settings.model_copy(update={"audit_anchor_every": 1})


def _contracts(client: TestClient, headers: dict[str, str], n: int, prefix: str = "R") -> None:
    for i in range(n):
        res = client.post(
            "/api/contracts", json={**CONTRACT, "reference": f"{prefix}-{i}"}, headers=headers
        )
        assert res.status_code == 201, res.text


def _verify(client: TestClient, headers: dict[str, str], **params: str | int) -> dict[str, Any]:
    result: dict[str, Any] = client.get("/api/audit/verify", params=params, headers=headers).json()
    return result


def _events(db: sessionmaker[Session]) -> list[AuditEvent]:
    with db() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq, AuditEvent.id)))


def _fields(seq: int, actor: str = "mallory", **extra: Any) -> dict[str, Any]:
    base = {
        "seq": seq,
        "at": AT,
        "actor": actor,
        "roles": ["programme_manager"],
        "action": "contract.created",
        "case_id": None,
        "contract_id": 1,
        "trigger": None,
        "from_state": None,
        "to_state": None,
        "reason": "nothing to see",
        "evidence": [],
        "details": {},
    }
    return {**base, **extra}


def _insert(session: Session, fields: dict[str, Any], prev: str, hash_: str, **columns: Any) -> int:
    values = {**fields, "prev_hash": prev, "hash": hash_, **columns}
    return session.execute(insert(AuditEvent).values(values).returning(AuditEvent.id)).scalar_one()


def _move_head(session: Session, seq: int, hash_: str) -> None:
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=hash_))


def _delete_from(db: sessionmaker[Session], is_postgres: bool, seq: int) -> None:
    """Drop the append-only triggers, as a table owner may, and delete from `seq` on."""
    with db.begin() as session:
        if is_postgres:
            session.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))
        else:
            session.execute(text("DROP TRIGGER audit_event_no_delete"))
        session.execute(text(f"DELETE FROM audit_event WHERE seq >= {seq}"))


def _forge_public(session: Session, seq: int, prev: str, **extra: Any) -> tuple[int, str]:
    """An event hashed with the public algorithm, as the code before keys wrote them."""
    fields = _fields(seq, **extra)
    hash_ = chain.event_hash(prev, fields)
    return _insert(session, fields, prev, hash_), hash_


def test_a_forged_public_event_with_the_head_moved_is_caught(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    _contracts(client, pm, 3)
    head = _events(db)[-1]
    with db.begin() as session:
        forged, hash_ = _forge_public(session, head.seq + 1, head.hash)
        _move_head(session, head.seq + 1, hash_)
    result = _verify(client, pm)
    assert (result["ok"], result["first_bad"]) == (False, forged)
    assert "not written by Handover" in result["problem"]


def _insert_signed(
    session: Session, ring: keys.KeyRing, fields: dict[str, Any], prev: str
) -> tuple[int, str]:
    """Write an event signed with `ring`'s current key exactly as the service would."""
    values = stored.row_values(fields, ring.current_id, prev)
    hash_ = ring.mac(ring.current_id, stored.mac_message(stored.signed_texts(values)))
    statement = stored.insert_statement(session.get_bind().dialect.name)
    return session.execute(statement, {**values, "hash": hash_}).scalar_one(), hash_


def test_an_event_signed_with_a_guessed_key_is_caught(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    _contracts(client, pm, 2)
    head = _events(db)[-1]
    guessed = keys.KeyRing({head.key_id or "": b"x" * 32}, head.key_id or "")
    with db.begin() as session:
        forged, hash_ = _insert_signed(session, guessed, _fields(head.seq + 1), head.hash)
        _move_head(session, head.seq + 1, hash_)
    result = _verify(client, pm)
    assert (result["ok"], result["first_bad"]) == (False, forged)
    assert "MAC does not match" in result["problem"]


def test_a_suffix_rewritten_after_dropping_the_triggers_is_caught(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], is_postgres: bool
) -> None:
    _contracts(client, pm, 5)
    events = _events(db)
    _delete_from(db, is_postgres, seq=4)
    prev = events[2].hash
    with db.begin() as session:
        first, prev = _forge_public(session, 4, prev)
        _, prev = _forge_public(session, 5, prev)
        _move_head(session, 5, prev)
    result = _verify(client, pm)
    assert (result["ok"], result["first_bad"]) == (False, first)


def test_a_suffix_rewritten_with_the_key_fails_against_the_anchors(
    client: TestClient,
    pm: dict[str, str],
    db: sessionmaker[Session],
    is_postgres: bool,
    settings: Settings,
) -> None:
    # Even someone holding the key cannot rewrite what was anchored outside the database.
    _contracts(client, pm, 4)
    events = _events(db)
    assert settings.audit_key_file is not None
    ring = keys.load(settings.audit_key_file)
    _delete_from(db, is_postgres, seq=3)
    prev, first = events[1].hash, 0
    with db.begin() as session:
        for seq in (3, 4):
            event_id, prev = _insert_signed(session, ring, _fields(seq), prev)
            first = first or event_id
        _move_head(session, 4, prev)
    result = _verify(client, pm)
    assert (result["ok"], result["first_bad"]) == (False, first)
    assert "not the one anchored" in result["problem"]


def test_a_cut_tail_with_the_head_moved_back_names_the_missing_anchored_head(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], is_postgres: bool
) -> None:
    _contracts(client, pm, 5)
    events = _events(db)
    _delete_from(db, is_postgres, seq=4)
    with db.begin() as session:
        _move_head(session, 3, events[2].hash)
    result = _verify(client, pm)
    assert (result["ok"], result["first_bad"]) == (False, None)
    assert "anchored head seq 4" in result["problem"]
    assert "chain ends at seq 3" in result["problem"]


def test_a_stray_row_at_the_next_seq_does_not_stop_writes_and_is_reported(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    _contracts(client, pm, 2)
    head = _events(db)[-1]
    with db.begin() as session:
        stray, _ = _forge_public(session, head.seq + 1, head.hash)
    _contracts(client, pm, 2, prefix="after")  # used to be 409 for every later write
    result = _verify(client, pm)
    assert (result["ok"], result["first_bad"], result["strays"]) == (False, stray, [stray])
    assert result["events"] == 4
    assert "the chain itself verifies" in result["problem"]


def test_a_stray_row_beyond_the_head_is_reported(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    _contracts(client, pm, 2)
    with db.begin() as session:
        stray = _insert(session, _fields(9), "0" * 64, "f" * 64)
    result = _verify(client, pm)
    assert (result["ok"], result["first_bad"]) == (False, stray)


def test_public_events_from_before_keys_still_verify_as_a_prefix(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    # What `db upgrade` leaves: events of the public scheme, then keyed ones after them.
    prev = "0" * 64
    with db.begin() as session:
        for seq in (1, 2):
            _, prev = _forge_public(session, seq, prev, actor="legacy")
        _move_head(session, 2, prev)
    _contracts(client, pm, 2)
    events = _events(db)
    assert [e.key_id is None for e in events] == [True, True, False, False]
    result = _verify(client, pm)
    assert (result["ok"], result["events"]) == (True, 4), result


def test_rotated_keys_all_verify_and_a_missing_key_is_named(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], settings: Settings
) -> None:
    path = settings.audit_key_file
    assert path is not None
    _contracts(client, pm, 2)
    new_id = keys.rotate(path)
    _contracts(client, pm, 2, prefix="rotated")
    ids = [e.key_id for e in _events(db)]
    assert ids[2:] == [new_id, new_id] and ids[0] != new_id
    assert _verify(client, pm)["ok"] is True
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith(ids[0] or "")))
    result = _verify(client, pm)
    assert result["ok"] is False
    assert "which the audit key file does not hold" in result["problem"]


def test_an_edited_anchor_file_is_refused(
    client: TestClient, pm: dict[str, str], settings: Settings
) -> None:
    _contracts(client, pm, 2)
    path = settings.audit_anchor_file
    assert path is not None
    records = [json.loads(line) for line in path.read_text().splitlines()]
    records[-1]["seq"] = 1
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = _verify(client, pm)
    assert result["ok"] is False
    assert "signature does not match" in result["problem"]
