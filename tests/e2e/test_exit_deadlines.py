"""The exit drives the contract's deadlines: notice served meets it; the end closes the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.config import Settings
from app.reminders.scheduler import PassReport, run_pass
from tests.e2e.flow import Flow, ev, make_flow


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


@pytest.fixture
def run(client: TestClient, settings: Settings, clock: FrozenClock) -> Callable[[], PassReport]:
    app = client.app
    assert isinstance(app, FastAPI)  # TestClient types its app as any ASGI callable

    def one_pass() -> PassReport:
        return run_pass(sessions=app.state.sessionmaker, settings=settings, clock=clock)

    return one_pass


def contract_deadlines(flow: Flow, contract_id: int, **params: str) -> dict[str, dict[str, Any]]:
    res = flow.client.get(
        "/api/deadlines", params={"contract_id": contract_id, **params}, headers=flow.pm
    )
    assert res.status_code == 200, res.text
    return {d["kind"]: d for d in res.json()["items"] if d["case_id"] is None}


def events(flow: Flow, contract_id: int, action: str) -> list[dict[str, Any]]:
    res = flow.client.get(
        "/api/audit/events", params={"contract_id": contract_id, "action": action}, headers=flow.pm
    )
    assert res.status_code == 200, res.text
    result: list[dict[str, Any]] = res.json()["items"]
    return result


def to_handover(flow: Flow) -> tuple[dict[str, Any], dict[str, Any]]:
    """An exit whose notice is served and whose one service line is switched off."""
    review, (printing,) = flow.approved_review(["decommission"], regime="pa2023")
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    exit_case = flow.fire(
        flow.manager, exit_case, "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    exit_case = flow.fire(
        flow.sro,
        exit_case,
        "serve_notice",
        reason="Every line has a new home",
        data={"notice_served_date": "2026-11-25"},
        evidence=ev("notice_letter"),
    )
    owner = flow.owner
    printing = flow.fire(
        owner, printing, "plan_retirement", data={"planned_switch_off_date": "2027-06-30"}
    )
    printing = flow.fire(owner, printing, "confirm_users_migrated")
    printing = flow.fire(owner, printing, "archive_data", evidence=ev("data_archive_record"))
    flow.fire(owner, printing, "switch_off")
    exit_case = flow.fire(flow.manager, exit_case, "start_exit_period")
    return flow.fire(flow.manager, exit_case, "start_handover"), review


def test_serving_notice_meets_the_contract_notice_deadline(flow: Flow) -> None:
    exit_case, _ = to_handover(flow)
    contract_id = exit_case["contract_id"]
    notice = contract_deadlines(flow, contract_id, kind="notice")["notice"]
    assert notice["status"] == "met"
    res = flow.client.get(
        "/api/reminders", params={"deadline_id": notice["id"], "status": "pending"}, headers=flow.pm
    )
    assert res.json()["items"] == []
    [met] = events(flow, contract_id, "deadline.met")
    assert met["actor"] == "sam" and met["details"]["kind"] == "notice"
    assert met["reason"] == "Every line has a new home"
    assert [e["title"] for e in met["evidence"]] == ["notice letter"]


def test_the_contract_ending_closes_its_other_deadlines(
    flow: Flow, clock: FrozenClock, run: Callable[[], PassReport]
) -> None:
    exit_case, _ = to_handover(flow)
    contract_id = exit_case["contract_id"]
    before = contract_deadlines(flow, contract_id)
    assert {"hard_stop", "extension_option", "route_decision", "exit_plan_review"} <= set(before)
    exit_case = flow.fire(
        flow.manager, exit_case, "confirm_termination", data={"termination_date": "2026-11-25"}
    )
    after = contract_deadlines(flow, contract_id)
    assert after == {"notice": before["notice"]}  # met, kept as history
    superseded = contract_deadlines(flow, contract_id, status="superseded")
    assert set(superseded) == {
        "hard_stop",
        "extension_option",
        "route_decision",
        "exit_plan_review",
    }
    [ended] = [e for e in events(flow, contract_id, "deadline.recomputed") if e["reason"]]
    assert ended["reason"] == "the contract ended on 2026-11-25"
    assert ended["actor"] == "colin"
    # One termination notice (the exit's), counted from the actual end: PA 2023 s.80(1),
    # the 30 days beginning with 25 November end on 24 December.
    contract = flow.client.get(f"/api/contracts/{contract_id}", headers=flow.pm).json()
    due = [
        (d["date"], d["case_id"])
        for d in contract["deadlines"]
        if d["kind"] == "termination_notice"
    ]
    assert due == [("2026-12-24", exit_case["id"])]
    # A later change of terms does not bring the ended contract's deadlines back.
    res = flow.client.patch(
        f"/api/contracts/{contract_id}", json={"notice_period_days": 60}, headers=flow.pm
    )
    assert res.status_code == 200, res.text
    assert set(contract_deadlines(flow, contract_id)) == {"notice"}
    # Nothing of the contract's escalates after its hard stop.
    clock.set(datetime(2028, 4, 2, 10, tzinfo=UTC))
    report = run()
    missed = flow.client.get("/api/deadlines", params={"status": "missed"}, headers=flow.pm)
    assert [d["kind"] for d in missed.json()["items"]] == ["termination_notice"]
    assert report.missed == 1


def test_running_to_expiry_waives_the_notice_and_reconsidering_reopens_it(
    flow: Flow, clock: FrozenClock, run: Callable[[], PassReport]
) -> None:
    review, _ = flow.approved_review(["decommission"])
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    exit_case = flow.fire(
        flow.manager, exit_case, "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    contract_id = exit_case["contract_id"]
    exit_case = flow.fire(flow.sro, exit_case, "run_to_expiry", reason="Replacement is late")
    notice = contract_deadlines(flow, contract_id, kind="notice")["notice"]
    assert notice["status"] == "waived"
    [waived] = events(flow, contract_id, "deadline.waived")
    assert waived["actor"] == "sam" and waived["reason"] == "Replacement is late"
    exit_case = flow.fire(flow.sro, exit_case, "reconsider_notice", reason="Replacement on time")
    notice = contract_deadlines(flow, contract_id, kind="notice")["notice"]
    assert notice["status"] == "pending"
    [reopened] = events(flow, contract_id, "deadline.reopened")
    assert reopened["details"]["waived_by"] == "sam" and reopened["details"]["planned_reminders"]
    res = flow.client.get(
        "/api/reminders", params={"deadline_id": notice["id"], "status": "pending"}, headers=flow.pm
    )
    assert res.json()["items"]  # its reminders are back
    # Running to expiry for good: the notice date passes without an escalation.
    flow.fire(flow.sro, exit_case, "run_to_expiry", reason="Replacement slipped")
    clock.set(datetime(2027, 7, 4, 10, tzinfo=UTC))  # two days after the notice date
    run()
    notice = contract_deadlines(flow, contract_id, kind="notice")["notice"]
    assert notice["status"] == "waived"
    escalated = events(flow, contract_id, "deadline.escalated")
    assert notice["id"] not in {e["details"]["deadline_id"] for e in escalated}
