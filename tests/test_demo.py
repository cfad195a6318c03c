"""`handover demo` loads a living portfolio: real and hand-made contracts, cases across states."""

from __future__ import annotations

import os
import subprocess
import sys

from app.audit.chain import verify
from app.demo import load_demo
from app.workflows.registry import WorkflowRegistry


def test_demo_portfolio(db, clock, client):
    registry = WorkflowRegistry.from_directory("workflows")
    with db.begin() as session:
        lines = load_demo(session=session, clock=clock, registry=registry, if_empty=True)
    assert lines is not None and len(lines) == 9
    token = lines[1].split()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    contracts = client.get("/api/contracts", params={"limit": 100}, headers=headers).json()
    assert len(contracts["items"]) == 12
    assert {c["source"] for c in contracts["items"]} == {"manual", "ocds"}
    cases = client.get("/api/cases", params={"limit": 100}, headers=headers).json()["items"]
    states = {(c["workflow"], c["state"]) for c in cases}
    assert len(states) >= 12
    assert ("contract_exit", "notice_due") in states
    assert ("service_component", "alpha_reassessment") in states
    assert ("contract_review", "withdrawn") in states
    deadlines = client.get("/api/deadlines", params={"limit": 500}, headers=headers).json()
    assert {d["kind"] for d in deadlines["items"]} >= {"notice", "hard_stop"}
    with db() as session:
        assert verify(session).ok
    with db.begin() as session:
        assert load_demo(session=session, clock=clock, registry=registry, if_empty=True) is None


def test_demo_command_writes_the_tokens_file(db_url, tmp_path):
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url}
    tokens = tmp_path / "tokens"
    cmd = [sys.executable, "-m", "app.cli", "demo", "--if-empty", "--tokens-file", str(tokens)]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert tokens.read_text().count("hov_") == 8
    assert oct(tokens.stat().st_mode & 0o777) == "0o600"
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0 and "already loaded" in again.stdout
