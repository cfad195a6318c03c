"""Workflow definitions over REST, their diagrams, and the workflows commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.cases.models import Case
from app.clock import FrozenClock
from app.workflows.models import WorkflowVersion
from tests.cases.conftest import FIXTURES, SUBMIT, OpenCase, fire


def test_list_and_detail(client: TestClient, pm: dict[str, str]) -> None:
    listed = client.get("/api/workflows", headers=pm).json()["items"]
    assert [w["name"] for w in listed] == ["approval"]
    detail = client.get("/api/workflows/approval", headers=pm).json()
    assert detail["version"] == listed[0]["version"]
    assert [s["name"] for s in detail["states"]] == ["draft", "submitted", "approved", "withdrawn"]
    approve = next(t for t in detail["transitions"] if t["trigger"] == "approve")
    assert approve["sources"] == ["submitted"] and approve["dest"] == "approved"
    assert approve["roles"] == ["senior_responsible_owner"]
    assert approve["not_by_actor_of"] == "submit_for_approval"
    assert client.get("/api/workflows/nope", headers=pm).status_code == 404


def test_diagram_as_mermaid_and_svg(client: TestClient, pm: dict[str, str]) -> None:
    text = client.get("/api/workflows/approval/diagram", params={"state": "submitted"}, headers=pm)
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text.startswith("stateDiagram-v2")
    assert "draft --> submitted" in text.text and "class submitted" in text.text
    picture = client.get(
        "/api/workflows/approval/diagram", headers={**pm, "Accept": "image/svg+xml"}
    )
    assert picture.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(picture.text)
    assert root.tag.endswith("svg")
    assert "Submitted for approval" in picture.text
    bad = client.get("/api/workflows/approval/diagram", params={"state": "nowhere"}, headers=pm)
    assert bad.status_code == 422


def _cli(db_url: str, workflows_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HANDOVER_DATABASE_URL": db_url,
        "HANDOVER_WORKFLOWS_DIR": str(workflows_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_workflows_check_reports_file_path_message(tmp_path: Path, db_url: str) -> None:
    shutil.copy(FIXTURES / "approval.yaml", tmp_path / "approval.yaml")
    ok = _cli(db_url, tmp_path, "workflows", "check")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = (FIXTURES / "approval.yaml").read_text().replace("dest: approved", "dest: nowhere")
    (tmp_path / "approval.yaml").write_text(broken)
    bad = _cli(db_url, tmp_path, "workflows", "check")
    assert bad.returncode == 1
    assert f"{tmp_path / 'approval.yaml'}: transitions[1].dest: " in bad.stdout


@pytest.fixture
def workflows_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the fixtures, so the migration test can edit the definition."""
    target = tmp_path_factory.mktemp("workflows")
    shutil.copy(FIXTURES / "approval.yaml", target / "approval.yaml")
    return target


def test_migrate_moves_running_cases_and_reports_the_rest(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    open_case: OpenCase,
    db_url: str,
    workflows_dir: Path,
) -> None:
    old_draft, old_submitted, finished = open_case(), open_case(), open_case()
    fire(client, pm, old_submitted["id"], "submit_for_approval", **SUBMIT)
    fire(client, pm, finished["id"], "submit_for_approval", **SUBMIT)
    assert fire(client, sro, finished["id"], "approve", reason="ok").status_code == 200
    # Version 2 renames "submitted": cases there cannot move.
    text = (workflows_dir / "approval.yaml").read_text()
    text = text.replace('label: "1"', 'label: "2"').replace("submitted", "in_review")
    (workflows_dir / "approval.yaml").write_text(text)

    dry = _cli(db_url, workflows_dir, "workflows", "migrate", "approval", "--to", "2", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would move 1 case(s)" in dry.stdout and f"[{old_draft['id']}]" in dry.stdout
    assert f"cannot move case {old_submitted['id']}: state 'submitted'" in dry.stdout
    assert f"case {finished['id']}" not in dry.stdout  # closed cases are left alone
    events = client.get("/api/audit/events", params={"action": "case.migrated"}, headers=pm)
    assert events.json()["items"] == []

    real = _cli(db_url, workflows_dir, "workflows", "migrate", "approval", "--to", "2")
    assert real.returncode == 0, real.stderr
    moved = client.get(f"/api/cases/{old_draft['id']}", headers=pm).json()
    assert moved["workflow_version"] != old_draft["workflow_version"]
    stayed = client.get(f"/api/cases/{old_submitted['id']}", headers=pm).json()
    assert stayed["workflow_version"] == old_submitted["workflow_version"]
    migrated = client.get("/api/audit/events", params={"action": "case.migrated"}, headers=pm)
    [event] = migrated.json()["items"]
    assert event["case_id"] == old_draft["id"]
    assert event["details"]["to_label"] == "2"
    assert client.get("/api/audit/verify", headers=pm).json()["ok"] is True


def test_a_stored_version_that_no_longer_loads_is_409(
    client: TestClient,
    pm: dict[str, str],
    open_case: OpenCase,
    db: sessionmaker[Session],
    clock: FrozenClock,
) -> None:
    case = open_case()
    with db.begin() as session:
        stored = session.query(WorkflowVersion).filter_by(name="approval").one()
        body = dict(stored.body)
        body["transitions"] = [{**body["transitions"][0], "guards": ["retired_guard"]}]
        session.add(
            WorkflowVersion(
                name="approval",
                version="f" * 64,
                label="0",
                title="old",
                body=body,
                registered_at=clock.now(),
            )
        )
        session.execute(update(Case).where(Case.id == case["id"]).values(workflow_version="f" * 64))
    res = client.get(f"/api/cases/{case['id']}/transitions", headers=pm)
    assert res.status_code == 409, res.text
    assert res.json()["error"] == "workflow_version_unloadable"
    assert "handover workflows migrate approval" in res.json()["detail"]
