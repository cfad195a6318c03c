"""Termination assistance: the buyer calls for exit services by notice before expiry.

Source: Cabinet Office Model Services Contract, Schedule 8.5 (Exit Management), and CCS
Call-Off Schedule 10 (Exit Management): the buyer requires Termination Assistance by a
written Termination Assistance Notice served at least the contract's stated period
before expiry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.deadlines.compute import compute_contract_deadlines
from app.deadlines.policy import policy_for
from app.deadlines.terms import ContractTerms
from tests.e2e.flow import CONTRACT, Flow, codes, ev, make_flow

TODAY = date(2026, 12, 3)


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def test_msc_schedule_8_5_deadline_is_expiry_less_the_notice_days() -> None:
    terms = ContractTerms(end_date=date(2027, 9, 30), termination_assistance_notice_days=183)
    specs = {s.kind: s for s in compute_contract_deadlines(terms, today=TODAY)}
    spec = specs["termination_assistance_notice"]
    assert spec.date == date(2027, 3, 31)
    assert "Call for exit assistance" in spec.detail and "Schedule 8.5" in spec.detail
    # Reminded a year out, to the commercial lead too, as for a notice to terminate.
    assert "commercial_lead" in policy_for("termination_assistance_notice").recipient_roles
    assert max(policy_for("termination_assistance_notice").offsets_days) == 365


def test_no_termination_assistance_term_no_deadline() -> None:
    terms = ContractTerms(end_date=date(2027, 9, 30))
    kinds = {s.kind for s in compute_contract_deadlines(terms, today=TODAY)}
    assert "termination_assistance_notice" not in kinds


def _contract_deadline(flow: Flow, contract_id: int, kind: str) -> dict[str, Any]:
    res = flow.client.get(
        "/api/deadlines", params={"contract_id": contract_id, "kind": kind}, headers=flow.pm
    )
    assert res.status_code == 200, res.text
    (found,) = [d for d in res.json()["items"] if d["case_id"] is None]
    result: dict[str, Any] = found
    return result


def _notice_served(flow: Flow) -> dict[str, Any]:
    review, _ = flow.approved_review(
        ["decommission"], regime="pa2023", termination_assistance_notice_days=183
    )
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    exit_case = flow.fire(
        flow.manager, exit_case, "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    result: dict[str, Any] = flow.fire(
        flow.sro,
        exit_case,
        "serve_notice",
        reason="Every line has a new home",
        data={"notice_served_date": "2026-11-25"},
        evidence=ev("notice_letter"),
    )
    return result


def test_msc_schedule_8_5_calling_for_exit_assistance_needs_the_notice_served(
    flow: Flow,
) -> None:
    exit_case = _notice_served(flow)
    contract_id = exit_case["contract_id"]
    contract = flow.client.get(f"/api/contracts/{contract_id}", headers=flow.pm).json()
    assert contract["termination_assistance_notice_days"] == 183
    assert _contract_deadline(flow, contract_id, "termination_assistance_notice")["date"] == (
        "2027-03-31"
    )
    data = {"termination_assistance_served_date": "2026-11-25"}
    res = flow.send(flow.manager, exit_case, "call_for_exit_assistance", data=data)
    assert res.status_code == 422, res.text
    assert "evidence_kinds" in codes(res) or "termination assistance notice" in res.text
    late = {"termination_assistance_served_date": "2027-04-01"}
    res = flow.send(
        flow.manager,
        exit_case,
        "call_for_exit_assistance",
        data=late,
        evidence=ev("termination_assistance_notice"),
    )
    assert res.status_code == 422, res.text  # after today and after the deadline
    assert "2027-03-31" in res.text


def test_msc_schedule_8_5_serving_the_notice_meets_the_deadline(flow: Flow) -> None:
    exit_case = _notice_served(flow)
    contract_id = exit_case["contract_id"]
    exit_case = flow.fire(
        flow.manager,
        exit_case,
        "call_for_exit_assistance",
        reason="Exit services called for",
        data={"termination_assistance_served_date": "2026-11-25"},
        evidence=ev("termination_assistance_notice"),
    )
    assert exit_case["state"] == "exit_period"
    deadline = _contract_deadline(flow, contract_id, "termination_assistance_notice")
    assert deadline["status"] == "met"
    res = flow.client.get(
        "/api/reminders",
        params={"deadline_id": deadline["id"], "status": "pending"},
        headers=flow.pm,
    )
    assert res.json()["items"] == []


def test_termination_assistance_term_is_validated_and_patchable(flow: Flow) -> None:
    base = {"reference": "HO-TA-1", "termination_assistance_notice_days": "183"}
    res = flow.client.post("/api/contracts", json={**CONTRACT, **base}, headers=flow.pm)
    assert res.status_code == 422, res.text  # JSON integers only
    contract = flow.contract(reference="HO-TA-2")
    assert contract["termination_assistance_notice_days"] is None
    url = f"/api/contracts/{contract['id']}"
    res = flow.client.patch(url, json={"termination_assistance_notice_days": 3000}, headers=flow.pm)
    assert res.status_code == 422, res.text  # longer than the contract
    res = flow.client.patch(url, json={"termination_assistance_notice_days": 122}, headers=flow.pm)
    assert res.status_code == 200, res.text
    assert _contract_deadline(flow, contract["id"], "termination_assistance_notice")["date"] == (
        "2027-05-31"
    )
