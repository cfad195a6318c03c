"""POST /api/cases opens top-level cases only, and one open review per contract."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.cases.models import Case
from app.clock import FrozenClock
from tests.e2e.flow import CONTRACT


@pytest.fixture
def contract(client: TestClient, pm: dict[str, str]) -> dict[str, Any]:
    res = client.post("/api/contracts", json=CONTRACT, headers=pm)
    assert res.status_code == 201, res.text
    made: dict[str, Any] = res.json()
    return made


@pytest.mark.parametrize(
    ("workflow", "hint"),
    [("service_component", "/components"), ("contract_exit", "opened by its contract_review")],
)
def test_child_workflows_need_their_parent(
    client: TestClient, pm: dict[str, str], contract: dict[str, Any], workflow: str, hint: str
) -> None:
    res = client.post(
        "/api/cases", json={"workflow": workflow, "contract_id": contract["id"]}, headers=pm
    )
    assert res.status_code == 422, res.text
    body = res.json()
    assert body["error"] == "parent_required" and hint in body["detail"]
    listed = client.get("/api/cases", params={"workflow": workflow}, headers=pm).json()
    assert listed["items"] == []


def test_one_open_review_per_contract(
    client: TestClient, pm: dict[str, str], sro: dict[str, str], contract: dict[str, Any]
) -> None:
    def open_review() -> Response:
        res: Response = client.post(  # TestClient types its result as Any
            "/api/cases",
            json={"workflow": "contract_review", "contract_id": contract["id"]},
            headers=pm,
        )
        return res

    first = open_review()
    assert first.status_code == 201
    again = open_review()
    assert again.status_code == 409 and again.json()["error"] == "duplicate"
    assert f"#{first.json()['id']}" in again.json()["detail"]
    withdrawn = client.post(
        f"/api/cases/{first.json()['id']}/transitions",
        json={"trigger": "withdraw", "reason": "opened twice by mistake"},
        headers=sro,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert open_review().status_code == 201


def _review_row(contract_id: int, clock: FrozenClock) -> Case:
    return Case(
        workflow="contract_review",
        workflow_version="x",
        state="intake",
        final=False,
        title="A second review, written past the service",
        contract_id=contract_id,
        data={},
        created_at=clock.now(),
        updated_at=clock.now(),
    )


def test_the_database_refuses_a_second_open_review(
    db: sessionmaker[Session], clock: FrozenClock, contract: dict[str, Any]
) -> None:
    # The service's check can lose a race (two requests both see no open review): the
    # partial unique index is what makes the rule hold.
    with db.begin() as session:
        session.add(_review_row(contract["id"], clock))
    with pytest.raises(IntegrityError), db.begin() as session:
        session.add(_review_row(contract["id"], clock))
    with db.begin() as session:  # a closed review does not count, nor does another workflow
        closed = _review_row(contract["id"], clock)
        closed.state, closed.final = "withdrawn", True
        other = _review_row(contract["id"], clock)
        other.workflow = "contract_exit"
        session.add_all([closed, other])


def test_concurrent_openings_leave_one_open_review(
    client: TestClient, pm: dict[str, str], contract: dict[str, Any]
) -> None:
    barrier = threading.Barrier(6)
    statuses: list[tuple[int, str | None]] = []

    def attempt() -> None:
        barrier.wait()
        res = client.post(
            "/api/cases",
            json={"workflow": "contract_review", "contract_id": contract["id"]},
            headers=pm,
        )
        statuses.append((res.status_code, res.json().get("error")))

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Whether a loser sees the first review (the service's check) or loses at the index,
    # the answer is the same 409 duplicate.
    assert sorted(statuses, key=str) == [(201, None)] + [(409, "duplicate")] * 5
    listed = client.get("/api/cases", params={"contract_id": contract["id"]}, headers=pm).json()
    assert len(listed["items"]) == 1
