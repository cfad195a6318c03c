"""Insourcing an operation is not building a digital service: its own route and its TUPE clock.

Sources: TUPE 2006 (SI 2006/246) reg. 3(1)(b)(iii) (insourcing is a service provision
change), reg. 11(6) (employee liability information "not less than 28 days before the
relevant transfer"), reg. 13 (informing and consulting representatives).
https://www.legislation.gov.uk/uksi/2006/246/regulation/11
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.deadlines.compute import route_decision_deadline
from app.deadlines.terms import ROUTE_TITLES, ROUTES, ContractTerms, LeadTimes
from app.portfolio import states
from tests.e2e.flow import Flow, ev, make_flow


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def test_build_in_house_keeps_its_value_and_means_a_digital_service() -> None:
    assert {"build_in_house", "insource_operation"} <= set(ROUTES) & set(states.ROUTES)
    assert ROUTE_TITLES["build_in_house"] == "Build a digital service in-house"
    assert ROUTE_TITLES["insource_operation"] == "Insource an operation"
    assert set(ROUTES) <= set(ROUTE_TITLES)
    terms = ContractTerms(end_date=date(2027, 9, 30), notice_period_days=90)
    spec = route_decision_deadline(terms, "insource_operation", LeadTimes())
    assert spec is not None and "Insource an operation" in spec.detail
    # An insourced line, once moved, is run by an in-house team as a built service is.
    assert "operation_live" in states.MOVED
    assert {"build_in_house", "insource_operation"} == states.IN_HOUSE_ROUTES


def _case_deadline(flow: Flow, case_id: int, kind: str) -> dict[str, Any]:
    res = flow.client.get(
        "/api/deadlines", params={"case_id": case_id, "kind": kind}, headers=flow.pm
    )
    assert res.status_code == 200, res.text
    (found,) = res.json()["items"]
    result: dict[str, Any] = found
    return result


def test_tupe_reg_11_employee_liability_information_28_days_before_transfer(flow: Flow) -> None:
    _, (line,) = flow.approved_review(["insource_operation"])
    owner = flow.owner
    res = flow.send(owner, line, "start_discovery", evidence=ev("assurance_gate_approval"))
    assert res.status_code == 422  # not a digital service build
    line = flow.fire(owner, line, "plan_staff_transfer", data={"staff_transfer_date": "2027-06-01"})
    assert line["state"] == "staff_transfer_planned"
    eli = _case_deadline(flow, line["id"], "employee_liability_information")
    assert eli["date"] == "2027-05-04" and eli["status"] == "pending"
    assert "28 days before the staff transfer date" in eli["detail"]
    res = flow.send(
        owner,
        line,
        "record_employee_liability_information",
        data={"eli_received_date": "2026-11-25"},
    )
    assert res.status_code == 422  # the information itself is the evidence
    line = flow.fire(
        owner,
        line,
        "record_employee_liability_information",
        data={"eli_received_date": "2026-11-25"},
        evidence=ev("employee_liability_information"),
    )
    assert line["state"] == "staff_consultation"
    assert _case_deadline(flow, line["id"], "employee_liability_information")["status"] == "met"


def test_a_moved_transfer_date_moves_the_eli_deadline_with_it(flow: Flow) -> None:
    """TUPE 2006 reg. 11(6): the information is owed 28 days before the transfer as it
    now stands, so a later transfer date moves the deadline; the old date is not kept."""
    _, (line,) = flow.approved_review(["insource_operation"])
    owner = flow.owner
    line = flow.fire(owner, line, "plan_staff_transfer", data={"staff_transfer_date": "2027-06-01"})
    before = _task_dues(flow, line["id"])
    moved = {"staff_transfer_date": "2027-08-02"}
    res = flow.send(owner, line, "reschedule_staff_transfer", data=moved)
    assert res.status_code == 422 and "reason" in res.text  # a moved date says why
    res = flow.send(
        owner,
        line,
        "reschedule_staff_transfer",
        data={"staff_transfer_date": "2027-12-01"},
        reason="Consultation with the union took longer",
    )
    assert res.status_code == 422, res.text  # after the contract's end (2027-09-30)
    assert "date_not_after" in res.text
    line = flow.fire(
        owner,
        line,
        "reschedule_staff_transfer",
        data=moved,
        reason="Consultation with the union took longer",
    )
    assert line["state"] == "staff_transfer_planned"
    assert line["data"]["staff_transfer_date"] == "2027-08-02"
    eli = _case_deadline(flow, line["id"], "employee_liability_information")  # still one
    assert (eli["date"], eli["status"]) == ("2027-07-05", "pending")
    # The handover checklist counts back from the transfer too: each item 62 days later.
    later = {
        k: date.fromisoformat(d) - timedelta(days=62)
        for k, d in _task_dues(flow, line["id"]).items()
    }
    assert later == {k: date.fromisoformat(d) for k, d in before.items()} and before
    line = flow.fire(
        owner,
        line,
        "record_employee_liability_information",
        data={"eli_received_date": "2026-11-25"},
        evidence=ev("employee_liability_information"),
    )
    assert _case_deadline(flow, line["id"], "employee_liability_information")["status"] == "met"


def _task_dues(flow: Flow, case_id: int) -> dict[str, str]:
    res = flow.client.get(f"/api/cases/{case_id}/handover-tasks", headers=flow.pm)
    assert res.status_code == 200, res.text
    return {t["item"]: t["due_date"] for t in res.json()["items"]}
