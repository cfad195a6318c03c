"""Tokens: shown once, stored hashed, revocable, expiring; 401 for every bad one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.auth import service as auth
from app.auth.models import ApiToken, User
from app.clock import FrozenClock
from app.config import Settings


def test_me(client: TestClient, pm: dict[str, str]) -> None:
    res = client.get("/api/me", headers=pm)
    assert res.status_code == 200
    assert res.json()["name"] == "priya"
    assert res.json()["roles"] == ["programme_manager"]


def test_missing_and_malformed_tokens_are_401(client: TestClient) -> None:
    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer hov_not-a-real-token"},
        {"Authorization": "Bearer " + "x" * 5000},
    ):
        res = client.get("/api/me", headers=headers)
        assert res.status_code == 401, headers
        assert res.headers["www-authenticate"] == "Bearer"
        assert res.json()["error"] in {"missing_token", "invalid_token"}


def test_tokens_are_stored_hashed(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    token = pm["Authorization"].split()[1]
    with db() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored
    assert auth.hash_token(token) in stored


def test_revoked_token_is_401(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], clock: FrozenClock
) -> None:
    with db.begin() as session:
        assert auth.revoke_user_tokens(session=session, name="priya", now=clock.now()) == 1
    res = client.get("/api/me", headers=pm)
    assert res.status_code == 401
    assert "revoked" in res.json()["detail"]


def test_a_cached_token_is_refused_at_once_when_revoked_here(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], clock: FrozenClock
) -> None:
    assert client.get("/api/me", headers=pm).status_code == 200  # now cached
    with db.begin() as session:
        assert auth.revoke_user_tokens(session=session, name="priya", now=clock.now()) == 1
    assert client.get("/api/me", headers=pm).status_code == 401


def test_a_change_made_elsewhere_is_seen_once_the_cached_entry_ages_out(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], clock: FrozenClock
) -> None:
    assert client.get("/api/me", headers=pm).status_code == 200
    with db.begin() as session:  # as another instance would: straight to the table
        session.execute(update(ApiToken).values(revoked_at=clock.now()))
    assert client.get("/api/me", headers=pm).status_code == 200  # still trusted, briefly
    clock.advance(seconds=Settings().token_cache_seconds)
    res = client.get("/api/me", headers=pm)
    assert res.status_code == 401
    assert "revoked" in res.json()["detail"]


def test_a_cached_token_still_expires_on_time(
    client: TestClient, db: sessionmaker[Session], clock: FrozenClock
) -> None:
    with db.begin() as session:
        user = auth.create_user(session=session, name="brief", roles=["viewer"], now=clock.now())
        token = auth.issue_token(
            session=session,
            user=user,
            now=clock.now(),
            expires_at=clock.now() + timedelta(seconds=2),
        )
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    clock.advance(seconds=2)
    assert client.get("/api/me", headers=headers).status_code == 401


def test_expired_token_is_401(
    client: TestClient, db: sessionmaker[Session], clock: FrozenClock
) -> None:
    with db.begin() as session:
        user = auth.create_user(session=session, name="temp", roles=["viewer"], now=clock.now())
        token = auth.issue_token(
            session=session, user=user, now=clock.now(), expires_at=clock.now() + timedelta(days=1)
        )
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    clock.advance(days=1)
    res = client.get("/api/me", headers=headers)
    assert res.status_code == 401
    assert "expired" in res.json()["detail"]


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_creates_users_and_revokes_tokens(
    client: TestClient, db: sessionmaker[Session], db_url: str, clock: FrozenClock
) -> None:
    made = _cli(db_url, "users", "create", "olu", "--role", "service_owner", "--role", "assessor")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/me", headers=headers).json()
    assert me["roles"] == ["assessor", "service_owner"]
    assert _cli(db_url, "users", "revoke", "olu").returncode == 0
    # Another process revoked it: this instance's token cache sees it once its entry ages out.
    clock.advance(seconds=Settings().token_cache_seconds)
    assert client.get("/api/me", headers=headers).status_code == 401
    bad = _cli(db_url, "users", "create", "x", "--role", "wizard")
    assert bad.returncode == 1 and "unknown role" in bad.stderr
    dup = _cli(db_url, "users", "create", "olu", "--role", "viewer")
    assert dup.returncode == 1 and "already exists" in dup.stderr
    with db() as session:
        assert session.scalar(select(User.roles).where(User.name == "olu")) == [
            "assessor",
            "service_owner",
        ]


def test_cli_audit_verify(client: TestClient, db_url: str, pm: dict[str, str]) -> None:
    assert (
        client.post(
            "/api/contracts",
            json={"reference": "R", "title": "T", "buyer": {"name": "B"}},
            headers=pm,
        ).status_code
        == 201
    )
    out = _cli(db_url, "audit", "verify")
    assert out.returncode == 0, out.stderr
    assert "ok: 1 events" in out.stdout
