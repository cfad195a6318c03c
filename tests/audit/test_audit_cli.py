"""`handover audit verify / checkpoint / rotate-key`, and verify walking ranges in parallel."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit import verify as verifier
from app.audit.models import AuditEvent
from app.audit.service import verify
from app.config import Settings
from app.outbox.models import OutboxMessage

CONTRACT = {"reference": "R-1", "title": "Hosting", "buyer": {"name": "Home Office"}}


def _cli(db_url: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    # The settings fixture put the test's audit key and anchor files in the environment.
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url, **extra}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "audit", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _contracts(client: TestClient, headers: dict[str, str], n: int, prefix: str = "R") -> None:
    for i in range(n):
        res = client.post(
            "/api/contracts", json={**CONTRACT, "reference": f"{prefix}-{i}"}, headers=headers
        )
        assert res.status_code == 201, res.text


def test_checkpoint_then_verify_since_it(
    client: TestClient,
    pm: dict[str, str],
    db: sessionmaker[Session],
    db_url: str,
    settings: Settings,
) -> None:
    _contracts(client, pm, 3)
    done = _cli(db_url, "checkpoint", HANDOVER_WEBHOOK_URL="http://127.0.0.1:9/anchors")
    assert done.returncode == 0, done.stderr
    assert "checkpoint at seq 3 anchored" in done.stdout
    assert settings.audit_anchor_file is not None
    anchor = json.loads(settings.audit_anchor_file.read_text().splitlines()[-1])
    assert (anchor["kind"], anchor["seq"]) == ("checkpoint", 3)
    with db() as session:  # the same signed anchor waits in the outbox for the webhook
        sent = session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.topic == "audit.checkpoint")
        )
        assert list(sent) == [anchor]
    _contracts(client, pm, 2, prefix="later")  # the checkpoint's own event is seq 4
    since = _cli(db_url, "verify", "--since-checkpoint")
    assert since.returncode == 0, since.stderr
    assert "ok: 4 events after checkpoint seq 3" in since.stdout  # seq 3 itself, then 4..6
    full = client.get("/api/audit/verify", headers=pm).json()
    assert (full["ok"], full["events"], full["anchored_seq"]) == (True, 6, 3)
    api_since = client.get(
        "/api/audit/verify", params={"since_checkpoint": True}, headers=pm
    ).json()
    assert (api_since["ok"], api_since["since_seq"], api_since["events"]) == (True, 3, 4)


def test_verify_exits_1_naming_the_missing_anchored_head(
    client: TestClient,
    pm: dict[str, str],
    db: sessionmaker[Session],
    db_url: str,
    is_postgres: bool,
) -> None:
    _contracts(client, pm, 3)
    assert _cli(db_url, "checkpoint").returncode == 0
    with db.begin() as session:
        if is_postgres:
            session.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            session.execute(text("DROP TRIGGER audit_event_no_delete"))
        session.execute(text("DELETE FROM audit_event WHERE seq >= 3"))
        prev = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 2))
        session.execute(text("UPDATE audit_head SET seq = 2, hash = :h"), {"h": prev})
    out = _cli(db_url, "verify")
    assert out.returncode == 1
    assert "error: chain broken: the anchored head seq 3" in out.stderr
    assert _cli(db_url, "checkpoint").returncode == 1  # a broken chain is never checkpointed


def test_rotate_key_appends_a_key_that_signs_from_then_on(
    client: TestClient, pm: dict[str, str], db_url: str, settings: Settings
) -> None:
    _contracts(client, pm, 1)
    out = _cli(db_url, "rotate-key")
    assert out.returncode == 0, out.stderr
    new_id = out.stdout.split()[3]
    _contracts(client, pm, 1, prefix="new")
    events = client.get("/api/audit/events", headers=pm).json()["items"]
    assert events[-1]["key_id"] == new_id != events[0]["key_id"]
    assert _cli(db_url, "verify").returncode == 0


def test_parallel_ranges_verify_and_a_break_in_a_later_range_is_named(
    client: TestClient,
    pm: dict[str, str],
    db: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    is_postgres: bool,
) -> None:
    monkeypatch.setattr(verifier, "PARALLEL_FROM", 0)
    _contracts(client, pm, 9)
    with db() as session:
        assert verify(session=session, workers=3).ok
    with db.begin() as session:
        if is_postgres:
            session.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(update(AuditEvent).where(AuditEvent.seq == 8).values(reason="edited"))
        eighth = session.scalar(select(AuditEvent.id).where(AuditEvent.seq == 8))
    with db() as session:
        result = verify(session=session, workers=3)
    assert (result.ok, result.first_bad) == (False, eighth)


def test_production_refuses_to_serve_without_audit_key_and_anchor_files(db_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOVER_")}
    env |= {
        "HANDOVER_DATABASE_URL": db_url,
        "HANDOVER_ENVIRONMENT": "production",
        "HANDOVER_SECRET_KEY": "x" * 40,
    }
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 1
    assert out.stderr.startswith("error: HANDOVER_AUDIT_KEY_FILE and HANDOVER_AUDIT_ANCHOR_FILE")
    assert "Traceback" not in out.stderr
