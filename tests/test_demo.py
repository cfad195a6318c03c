"""`handover demo` loads a living portfolio: real and hand-made contracts, cases across states."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, text

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
    assert len(contracts["items"]) == 13
    assert {c["source"] for c in contracts["items"]} == {"manual", "ocds"}
    cases = client.get("/api/cases", params={"limit": 100}, headers=headers).json()["items"]
    states = {(c["workflow"], c["state"]) for c in cases}
    assert len(states) >= 20
    reviews = {state for workflow, state in states if workflow == "contract_review"}
    assert reviews >= {"intake", "under_review", "decomposed", "awaiting_approval", "approved"}
    assert reviews >= {"in_transition", "on_hold", "closed", "withdrawn"}
    assert {("contract_exit", s) for s in ("exit_planning", "exit_period", "closed")} <= states
    routes = {(c["route"], c["state"]) for c in cases if c["workflow"] == "service_component"}
    assert {("build_in_house", "private_beta"), ("reprocure", "tendering")} <= routes
    assert {("decommission", "users_migrated"), ("decommission", "decommissioned")} <= routes
    assert ("buy_commodity", "commodity_live") in routes
    deadlines = client.get("/api/deadlines", params={"limit": 500}, headers=headers).json()
    assert {d["kind"] for d in deadlines["items"]} >= {"notice", "hard_stop", "amber_actions"}
    _exit_in_its_exit_period_served_notice(client, headers, cases)
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
    engine = create_engine(db_url)
    with engine.connect() as conn:
        kinds = set(conn.scalars(text("SELECT DISTINCT kind FROM deadline")))
    engine.dispose()
    # The command has no app to install the deadline hooks: the demo must do it itself.
    assert kinds >= {"notice", "hard_stop", "route_decision", "amber_actions"}
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0 and "already loaded" in again.stdout


def _exit_in_its_exit_period_served_notice(client, headers, cases) -> None:
    (exiting,) = [
        c for c in cases if (c["workflow"], c["state"]) == ("contract_exit", "exit_period")
    ]
    url = f"/api/cases/{exiting['id']}/events"
    events = client.get(url, params={"limit": 100}, headers=headers).json()["items"]
    fired = [e["trigger"] for e in events]
    assert fired[-3:] == ["agree_exit_plan", "serve_notice", "start_exit_period"]
    evidence = [i for e in events for i in e["evidence"]]
    assert evidence and all(i["url"].startswith("https://") for i in evidence)
