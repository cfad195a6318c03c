"""The README's promises: its first lines, and a first session born with no missed deadline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.config import ROOT, Settings
from app.main import create_app

README = (ROOT / "README.md").read_text(encoding="utf-8")
SESSION = README[README.index("## A first session") : README.index("## How an exit runs")]


def body_after(marker: str) -> dict[str, Any]:
    """The JSON a README curl command sends with -d '…', after the line holding `marker`."""
    start = SESSION.index(marker)
    match = re.search(r"-d '(\{.*?\})'", SESSION[start:], re.S)
    assert match, marker
    body: dict[str, Any] = json.loads(match.group(1))
    return body


def test_the_readme_starts_with_make_run_and_make_test() -> None:
    lines = README.splitlines()
    assert lines[0] == "# Handover"
    block = lines[lines.index("```sh") + 1 : lines.index("```sh") + 3]
    assert [line.split()[:2] for line in block] == [["make", "run"], ["make", "test"]]
    assert "make run PORT=8080 HOST=0.0.0.0" in README


@pytest.fixture
def today_client(settings: Settings) -> Iterator[TestClient]:
    """The app on today's real date: the README is read by people living now."""
    with TestClient(create_app(settings, FrozenClock(datetime.now(UTC)))) as client:
        yield client


def test_the_first_sessions_contract_has_every_deadline_ahead(
    today_client: TestClient, pm: dict[str, str]
) -> None:
    # The session's contract used to be born with two missed deadlines, escalated at once.
    today = date.today()
    client = today_client
    created = client.post("/api/contracts", json=body_after("POST"), headers=pm)
    assert created.status_code == 201, created.text
    contract = created.json()
    assert contract["value"]["amount"] == "12000000.00"
    url = f"/api/contracts/{contract['id']}"
    patched = client.patch(url, json=body_after("PATCH"), headers={**pm, "If-Match": '"1"'})
    assert patched.status_code == 200, patched.text
    review = client.post(
        "/api/cases",
        json={"workflow": "contract_review", "contract_id": contract["id"]},
        headers=pm,
    )
    assert review.status_code == 201, review.text
    triaged = client.post(
        f"/api/cases/{review.json()['id']}/transitions",
        json={"trigger": "triage", "expected_version": 1},
        headers=pm,
    )
    assert triaged.status_code == 200, triaged.text
    deadlines = client.get(url, headers=pm).json()["deadlines"]
    assert {d["status"] for d in deadlines} == {"pending"}
    assert {d["kind"] for d in contract["deadlines"]} >= {"notice", "route_decision", "hard_stop"}
    late = [
        d
        for d in deadlines
        if d["status"] in ("missed", "lapsed")
        or (d["status"] == "pending" and date.fromisoformat(d["date"]) < today)
    ]
    assert late == [], "move the README's first-session dates on: these deadlines are past"
