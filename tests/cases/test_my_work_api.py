"""GET /api/me/work: the caller's actions, approvals, deadlines and unread notifications."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.auth.models import User
from app.deadlines.models import Deadline, InAppNotification
from tests.cases.conftest import EVIDENCE, OpenCase
from tests.conftest import START, MakeUser

SUBMIT = {"data": {"decision_date": "2027-01-15"}, "evidence": EVIDENCE, "reason": "ready"}


def _work(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    res = client.get("/api/me/work", headers=headers)
    assert res.status_code == 200, res.text
    work: dict[str, Any] = res.json()
    return work


def test_the_proposer_is_not_asked_to_approve_but_another_sro_is(
    client: TestClient, make_user: MakeUser, sro: dict[str, str], open_case: OpenCase
) -> None:
    both = make_user("alex", "programme_manager", "senior_responsible_owner")
    case = open_case()
    draft = _work(client, both)
    assert [
        a["trigger"] for c in draft["actions"] if c["case_id"] == case["id"] for a in c["actions"]
    ] == ["submit_for_approval", "withdraw"]
    res = client.post(
        f"/api/cases/{case['id']}/transitions",
        json={"trigger": "submit_for_approval", **SUBMIT},
        headers=both,
    )
    assert res.status_code == 200, res.text
    assert _work(client, both)["approvals"] == []
    waiting = _work(client, sro)["approvals"]
    assert [(c["case_id"], [a["trigger"] for a in c["actions"]]) for c in waiting] == [
        (case["id"], ["approve"])
    ]
    assert waiting[0]["contract"].startswith("HO-HOST-2018-11")


def test_deadlines_soonest_first_within_90_days_and_unread_notifications_only(
    client: TestClient, db: sessionmaker[Session], pm: dict[str, str], contract: dict[str, Any]
) -> None:
    today = START.date()
    with db.begin() as s:
        s.execute(update(Deadline).values(date=today + timedelta(days=400)))
        for i, days in enumerate((60, 5, 91)):
            s.add(
                Deadline(
                    scope=f"contract:{contract['id']}",
                    key=f"test:{i}",
                    kind="break_clause",
                    date=today + timedelta(days=days),
                    contract_id=contract["id"],
                    status="pending",
                    created_at=START,
                    updated_at=START,
                )
            )
        me = s.scalar(select(User.id).where(User.name == "priya"))
        for subject, read_at in (("Read", START), ("Unread", None)):
            s.add(
                InAppNotification(
                    user_id=me, subject=subject, body="b", created_at=START, read_at=read_at
                )
            )
    work = _work(client, pm)
    assert [(d["days"], d["urgency"]) for d in work["deadlines"]] == [
        (5, "Due in 5 days"),
        (60, "Due in 60 days"),
    ]
    assert date.fromisoformat(work["deadlines"][0]["date"]) == today + timedelta(days=5)
    assert [n["subject"] for n in work["notifications"]] == ["Unread"]


def test_needs_a_token(client: TestClient) -> None:
    res = client.get("/api/me/work")
    assert res.status_code == 401
