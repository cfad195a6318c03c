"""My deadlines (home page and GET /api/me/work): the ones Handover reminds me of, and my cases'."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.cases.models import Case
from app.deadlines.models import Deadline
from tests.cases.conftest import OpenCase
from tests.conftest import START, MakeUser

TODAY = START.date()


def _add(
    db: sessionmaker[Session], contract_id: int, kind: str, days: int, **extra: str | int
) -> None:
    with db.begin() as s:
        s.add(
            Deadline(
                scope=f"contract:{contract_id}",
                key=f"test:{kind}:{days}",
                kind=kind,
                date=TODAY + timedelta(days=days),
                contract_id=contract_id,
                status=extra.pop("status", "pending"),
                created_at=START,
                updated_at=START,
                **extra,
            )
        )


def _mine(client: TestClient, headers: dict[str, str]) -> list[tuple[str, int]]:
    res = client.get("/api/me/work", headers=headers)
    assert res.status_code == 200, res.text
    return [(d["kind"], d["days"]) for d in res.json()["deadlines"]]


def _only_test_deadlines(db: sessionmaker[Session]) -> None:
    """Push the contract's derived deadlines out of the 90-day window."""
    with db.begin() as s:
        s.execute(update(Deadline).values(date=TODAY + timedelta(days=400)))


def test_a_deadline_for_another_role_does_not_show_and_one_for_mine_does(
    client: TestClient,
    db: sessionmaker[Session],
    make_user: MakeUser,
    pm: dict[str, str],
    sro: dict[str, str],
    contract: dict[str, Any],
) -> None:
    lead = make_user("cleo", "commercial_lead")
    owner = make_user("otto", "service_owner")
    _only_test_deadlines(db)
    cid = contract["id"]
    _add(db, cid, "break_clause", 10)  # PMs, contract managers, commercial leads
    _add(db, cid, "contract_details_notice", 20)  # commercial leads, contract managers
    _add(db, cid, "assessment_booking", 30)  # service owners, PMs
    _add(db, cid, "route_decision", 40)  # no policy of its own: PMs, contract managers
    _add(db, cid, "break_clause", 50, status="met")  # done: nobody's any more
    assert _mine(client, pm) == [
        ("break_clause", 10),
        ("assessment_booking", 30),
        ("route_decision", 40),
    ]
    assert _mine(client, lead) == [("break_clause", 10), ("contract_details_notice", 20)]
    assert _mine(client, owner) == [("assessment_booking", 30)]
    assert _mine(client, sro) == []  # reminded of none before the date


def test_a_passed_deadline_is_also_the_escalation_roles(
    client: TestClient,
    db: sessionmaker[Session],
    make_user: MakeUser,
    pm: dict[str, str],
    sro: dict[str, str],
    contract: dict[str, Any],
) -> None:
    owner = make_user("otto", "service_owner")
    _only_test_deadlines(db)
    _add(db, contract["id"], "break_clause", -3, status="missed")  # escalated daily to the SRO
    _add(db, contract["id"], "break_clause", 3)
    assert _mine(client, sro) == [("break_clause", -3)]
    assert _mine(client, pm) == [("break_clause", -3), ("break_clause", 3)]
    assert _mine(client, owner) == []


def test_with_nobody_in_the_kinds_roles_the_fallback_is_reminded_so_it_is_theirs(
    client: TestClient,
    db: sessionmaker[Session],
    pm: dict[str, str],
    sro: dict[str, str],
    contract: dict[str, Any],
) -> None:
    _only_test_deadlines(db)
    _add(db, contract["id"], "contract_details_notice", 20)  # nobody is a commercial lead
    assert _mine(client, sro) == [("contract_details_notice", 20)]
    assert _mine(client, pm) == []


def test_the_deadlines_of_a_case_assigned_to_me_are_mine(
    client: TestClient,
    db: sessionmaker[Session],
    make_user: MakeUser,
    pm: dict[str, str],
    open_case: OpenCase,
) -> None:
    lead = make_user("cleo", "commercial_lead")
    case = open_case()
    _only_test_deadlines(db)
    with db.begin() as s:
        s.execute(update(Case).where(Case.id == case["id"]).values(assignee="priya"))
    _add(db, case["contract_id"], "contract_details_notice", 5, case_id=case["id"])
    assert _mine(client, pm) == [("contract_details_notice", 5)]
    assert _mine(client, lead) == [("contract_details_notice", 5)]
    with db.begin() as s:
        s.execute(update(Case).where(Case.id == case["id"]).values(assignee="cleo"))
    assert _mine(client, pm) == []
