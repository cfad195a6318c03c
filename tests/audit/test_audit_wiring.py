"""The audit chain seals only in sessions the app builds: wired per factory, not class-wide."""

from __future__ import annotations

from typing import cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit import chain
from app.audit.models import AuditEvent, AuditHead
from tests.conftest import START


def _queue_one(session: Session) -> AuditEvent:
    """Queue one system event, as audit.service.record does, without committing it."""
    fields = {"at": START, "actor": "system", "roles": [], "action": "wiring.check"}
    return chain.append(session, fields)


def _stored(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """How many events the chain holds, and its head's seq."""
    with sessions() as session:
        count = session.scalar(select(func.count()).select_from(AuditEvent))
        head = session.scalar(select(AuditHead.seq).where(AuditHead.id == 1))
    return int(count or 0), int(head or 0)


def test_the_apps_sessions_seal_on_commit(client: TestClient) -> None:
    sessions = cast(FastAPI, client.app).state.sessionmaker
    with sessions.begin() as session:
        event = _queue_one(session)
    assert event.seq == 1 and event.hash
    assert _stored(sessions) == (1, 1)


def test_a_rollback_drops_the_queued_events(client: TestClient) -> None:
    sessions = cast(FastAPI, client.app).state.sessionmaker
    with sessions() as session:
        session.scalar(select(1))  # a transaction under way, as in every service
        _queue_one(session)
        session.rollback()
        session.commit()  # nothing left queued: this commit seals nothing
    assert _stored(sessions) == (0, 0)


def test_a_session_the_app_did_not_build_does_not_seal(client: TestClient) -> None:
    app_sessions = cast(FastAPI, client.app).state.sessionmaker
    with Session(app_sessions.kw["bind"]) as bare:
        event = _queue_one(bare)
        bare.commit()
    # Queued but never sealed: no listener on the Session class reaches a plain session.
    assert event.seq is None and event.hash is None
    assert _stored(app_sessions) == (0, 0)


def test_make_sessionmaker_wires_each_factory_it_makes(db: sessionmaker[Session]) -> None:
    with db.begin() as session:
        event = _queue_one(session)
    assert event.seq == 1
    assert _stored(db) == (1, 1)
