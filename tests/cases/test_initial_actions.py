"""The initial state's on-enter actions run when a case is opened, as on any other entry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.clock import FrozenClock

WORKFLOW = """\
name: intake
title: Intake with a first deadline
label: "1"
description: The initial state records its stage and schedules a deadline on entry.
initial: received
states:
  - name: received
    title: Received
    on_enter:
      - action: set_case_field
        params: {field: stage, value: received}
      - action: schedule_deadline
        params: {kind: acknowledgement, days_from_now: 5, met_by: acknowledge}
  - {name: acknowledged, title: Acknowledged, final: true}
transitions:
  - trigger: acknowledge
    title: Acknowledge
    source: received
    dest: acknowledged
    roles: [programme_manager]
"""


@pytest.fixture
def workflows_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "intake.yaml").write_text(WORKFLOW)
    return folder


def test_opening_a_case_runs_the_initial_states_actions(
    client: TestClient, pm: dict[str, str], contract: dict[str, Any], clock: FrozenClock
) -> None:
    res = client.post(
        "/api/cases", json={"workflow": "intake", "contract_id": contract["id"]}, headers=pm
    )
    assert res.status_code == 201, res.text
    case = res.json()
    assert case["data"] == {"stage": "received"}
    due = [(d["kind"], d["date"], d["status"]) for d in case["deadlines"]]
    five_days = str(clock.today() + timedelta(days=5))
    assert due == [("acknowledgement", five_days, "pending")]
    again = client.get(f"/api/cases/{case['id']}", headers=pm)
    assert again.headers["ETag"] == f'"{case["version"]}"'
