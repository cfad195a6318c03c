"""A database connection killed in the middle of a transition: nothing half done, a clear 503."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from tests.cases.conftest import CONTRACT, FIXTURES, SUBMIT

NOT_ON_SQLITE = (
    "pg_terminate_backend is PostgreSQL's: an SQLite file has no server connection to kill"
    " (run with TEST_DATABASE_URL to exercise this)"
)


@pytest.fixture
def settings(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The fixture workflows of tests/cases, with the audit key and anchors in the test's folder."""
    monkeypatch.setenv("HANDOVER_AUDIT_KEY_FILE", str(tmp_path / "audit-keys"))
    monkeypatch.setenv("HANDOVER_AUDIT_ANCHOR_FILE", str(tmp_path / "audit-anchors.jsonl"))
    return Settings(
        database_url=db_url,
        environment="test",
        scheduler_enabled=False,
        workflows_dir=str(FIXTURES),
    )


class Killer:
    """Terminates the app's own server connection, from a second connection, at one point."""

    def __init__(self, engine: Engine, other: sessionmaker[Session], point: str) -> None:
        self.engine, self.other, self.point = engine, other, point
        self.armed = False
        self.kills = 0

    def _kill(self, conn: Any) -> None:
        pid = conn.connection.dbapi_connection.info.backend_pid
        with self.other.begin() as s:
            assert s.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        self.armed = False
        self.kills += 1

    def before_execute(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        """Kill just before the statement the test chose reaches the server."""
        if self.armed and self.point != "commit" and statement.lstrip().startswith(self.point):
            self._kill(conn)

    def before_commit(self, conn: Any) -> None:
        """Kill after every statement ran, just before COMMIT."""
        if self.armed and self.point == "commit":
            self._kill(conn)


@pytest.fixture
def killer(
    client: TestClient, db: sessionmaker[Session], request: pytest.FixtureRequest
) -> Iterator[Killer]:
    """A Killer on the app's engine, removed again after the test."""
    engine: Engine = cast(FastAPI, client.app).state.engine
    k = Killer(engine, db, request.param)
    event.listen(engine, "before_cursor_execute", k.before_execute)
    event.listen(engine, "commit", k.before_commit)
    yield k
    event.remove(engine, "before_cursor_execute", k.before_execute)
    event.remove(engine, "commit", k.before_commit)


def _open_case(client: TestClient, pm: dict[str, str]) -> dict[str, Any]:
    contract = client.post("/api/contracts", json=CONTRACT, headers=pm)
    assert contract.status_code == 201, contract.text
    body = {"workflow": "approval", "contract_id": contract.json()["id"]}
    case = client.post("/api/cases", json=body, headers=pm)
    assert case.status_code == 201, case.text
    opened: dict[str, Any] = case.json()
    return opened


@pytest.mark.parametrize(
    "killer",
    ['UPDATE "case"', "INSERT INTO audit_event", "INSERT INTO idempotency_record", "commit"],
    indirect=True,
)
def test_a_connection_killed_mid_transition_leaves_nothing_half_done(
    client: TestClient,
    pm: dict[str, str],
    killer: Killer,
    is_postgres: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if not is_postgres:
        pytest.skip(NOT_ON_SQLITE)
    case = _open_case(client, pm)
    url = f"/api/cases/{case['id']}/transitions"
    body = {"trigger": "submit_for_approval", "reason": "ready", **SUBMIT}
    headers = {**pm, "Idempotency-Key": "submit-once"}

    killer.armed = True
    res = client.post(url, json=body, headers=headers)
    assert killer.kills == 1, "the statement chosen to die in was never run"
    assert res.status_code == 503, res.text
    assert res.json()["error"] == "database_unavailable"
    assert res.headers["retry-after"].isdigit()
    logged = [r.getMessage() for r in caplog.records if r.name == "handover.errors"]
    assert logged and all("[parameters:" not in m for m in logged)  # no values in the log

    # Nothing of the transition was kept: the case, its trail and the chain are as before.
    after = client.get(f"/api/cases/{case['id']}", headers=pm).json()
    assert (after["state"], after["version"]) == ("draft", case["version"])
    events = client.get(f"/api/cases/{case['id']}/events", headers=pm).json()["items"]
    assert [e["action"] for e in events] == ["case.opened"]
    verified = client.get("/api/audit/verify", headers=pm).json()
    assert verified["ok"] is True, verified

    # The client retries with the same key: one outcome, and a replay of it after.
    retry = client.post(url, json=body, headers=headers)
    assert retry.status_code == 200, retry.text
    assert retry.json()["case"]["state"] == "submitted"
    replay = client.post(url, json=body, headers=headers)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == retry.json()
    events = client.get(f"/api/cases/{case['id']}/events", headers=pm).json()["items"]
    assert [e["action"] for e in events] == ["case.opened", "case.transitioned"]
    assert client.get("/api/audit/verify", headers=pm).json()["ok"] is True
