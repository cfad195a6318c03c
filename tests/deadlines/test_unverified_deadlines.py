"""Deadlines from imported, unconfirmed terms say so wherever they are listed (issue 14).

Source: held-out Contracts Finder data, whose end date sometimes already includes the
extensions ("3 years + 1 + 1, maximum 5"): a deadline counted from it may be years early or
late until a person confirms the terms from the signed contract.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.deadlines.models import Deadline
from tests.conftest import START
from tests.imports.helpers import import_hinted


def _flags(client: TestClient, headers: dict[str, str], contract_id: int) -> set[bool]:
    res = client.get("/api/deadlines", headers=headers, params={"contract_id": contract_id})
    assert res.status_code == 200, res.text
    items = [d for d in res.json()["items"] if d["case_id"] is None]
    assert items, "an imported contract has deadlines from its terms"
    return {d["unverified"] for d in items}


def _case_deadline(db: sessionmaker[Session], contract_id: int, case_id: int, kind: str) -> None:
    with db.begin() as s:
        s.add(
            Deadline(
                scope=f"case:{case_id}",
                key=f"test:{kind}",
                kind=kind,
                date=START.date() + timedelta(days=200),
                contract_id=contract_id,
                case_id=case_id,
                status="pending",
                created_at=START,
                updated_at=START,
            )
        )


def _confirm(client: TestClient, headers: dict[str, str], contract: dict[str, Any]) -> None:
    url = f"/api/contracts/{contract['id']}/terms/confirm"
    res = client.post(url, headers=headers, json={"version": contract["version"]})
    assert res.status_code == 200, res.text


def test_the_deadlines_list_says_unverified_until_the_terms_are_confirmed(
    client: TestClient, pm: dict[str, str]
) -> None:
    contract = import_hinted(client, pm)
    assert _flags(client, pm, contract["id"]) == {True}
    _confirm(client, pm, contract)
    assert _flags(client, pm, contract["id"]) == {False}


def test_a_case_shows_its_route_decision_unverified_but_not_its_own_dates(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    contract = import_hinted(client, pm)
    res = client.post(
        "/api/cases",
        headers=pm,
        json={"workflow": "contract_review", "contract_id": contract["id"]},
    )
    assert res.status_code == 201, res.text
    case_id = res.json()["id"]
    # A route decision counts back from the contract's end; an assessment from the case's.
    _case_deadline(db, contract["id"], case_id, "route_decision")
    _case_deadline(db, contract["id"], case_id, "assessment_booking")
    shown = client.get(f"/api/cases/{case_id}", headers=pm).json()["deadlines"]
    flags = {d["kind"]: d["unverified"] for d in shown}
    assert flags["route_decision"] is True
    assert flags["assessment_booking"] is False
