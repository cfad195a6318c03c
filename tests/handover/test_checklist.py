"""The handover checklist on every route that replaces a supplier, and the exit waiting on it.

Sources: Cabinet Office Model Services Contract, Schedule 8.5 (Exit Management): registers
of assets, sub-contracts and licences, transferred, novated or assigned on exit; Cabinet
Office, "Guidance on exiting major IT contracts" (2017): data migration and its
verification; GovS 007 Security: the new service is accredited before it goes live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.flow import Flow, codes, ev, make_flow

END = "2027-09-30"  # tests.e2e.flow.CONTRACT's end date: the exit date items count back from


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def tasks(flow: Flow, case: dict[str, Any]) -> list[dict[str, Any]]:
    res = flow.client.get(f"/api/cases/{case['id']}/handover-tasks", headers=flow.pm)
    assert res.status_code == 200, res.text
    items: list[dict[str, Any]] = res.json()["items"]
    return items


def _commodity_live(flow: Flow, line: dict[str, Any]) -> dict[str, Any]:
    chen, owner = flow.commercial, flow.owner
    line = flow.fire(chen, line, "start_shortlisting", data={"framework": "G-Cloud 14"})
    line = flow.fire(chen, line, "evaluate_shortlist", evidence=ev("evaluation_report"))
    line = flow.fire(chen, line, "call_off", evidence=ev("call_off_contract"))
    line = flow.fire(owner, line, "start_migration")
    live: dict[str, Any] = flow.fire(owner, line, "go_live")
    return live


def _to_handover(flow: Flow, exit_case: dict[str, Any]) -> dict[str, Any]:
    exit_case = flow.fire(
        flow.manager, exit_case, "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    exit_case = flow.fire(flow.sro, exit_case, "run_to_expiry", reason="Ends on its date")
    exit_case = flow.fire(flow.manager, exit_case, "start_exit_period")
    handover: dict[str, Any] = flow.fire(flow.manager, exit_case, "start_handover")
    return handover


def test_msc_schedule_8_5_a_replacing_route_gets_the_checklist_with_due_dates(
    flow: Flow,
) -> None:
    _, (printing, desk, kept) = flow.approved_review(
        ["buy_commodity", "decommission", "retain_extend"]
    )
    assert tasks(flow, printing) == []  # opened when work on the route starts
    printing = flow.fire(
        flow.commercial, printing, "start_shortlisting", data={"framework": "G-Cloud 14"}
    )
    due = {t["item"]: (t["due_date"], t["mandatory"], t["status"]) for t in tasks(flow, printing)}
    assert due == {
        "licence_ip": ("2027-07-02", True, "open"),
        "third_party_contracts": ("2027-07-02", True, "open"),
        "data_migration": ("2027-08-31", True, "open"),
        "security_accreditation": ("2027-08-31", True, "open"),
        "asset_transfer": (END, True, "open"),
    }
    assert all(t["source"] for t in tasks(flow, printing))
    # Extending keeps the supplier, decommissioning replaces nobody: no checklist.
    flow.fire(flow.owner, desk, "plan_retirement", data={"planned_switch_off_date": "2027-06-30"})
    assert tasks(flow, desk) == [] and tasks(flow, kept) == []
    opened = flow.client.get(
        "/api/audit/events",
        params={"case_id": printing["id"], "action": "handover.checklist_opened"},
        headers=flow.pm,
    ).json()["items"]
    assert len(opened) == 1 and opened[0]["details"]["route"] == "buy_commodity"


def test_owner_assigned_and_item_completed_with_evidence_audited_and_versioned(
    flow: Flow, viewer: dict[str, str]
) -> None:
    _, (printing,) = flow.approved_review(["buy_commodity"])
    printing = flow.fire(
        flow.commercial, printing, "start_shortlisting", data={"framework": "G-Cloud 14"}
    )
    task = tasks(flow, printing)[0]
    url = f"/api/handover-tasks/{task['id']}"
    res = flow.client.patch(url, json={"owner": "nobody"}, headers=flow.manager)
    assert res.status_code == 422 and res.json()["error"] == "unknown_user"
    res = flow.client.patch(url, json={"owner": "chen"}, headers=viewer)
    assert res.status_code == 403
    res = flow.client.patch(url, json={"owner": "chen", "version": 1}, headers=flow.manager)
    assert res.status_code == 200, res.text
    assert res.json()["owner"] == "chen" and res.json()["version"] == 2
    assert res.headers["ETag"] == '"2"'
    stale = flow.client.patch(url, json={"owner": "sol", "version": 1}, headers=flow.manager)
    assert stale.status_code == 409
    stale = flow.client.patch(
        url, json={"owner": "sol"}, headers={**flow.manager, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    res = flow.client.post(f"{url}/complete", json={"evidence": []}, headers=flow.commercial)
    assert res.status_code == 422  # done means evidence
    proof = ev("licence_novation_deed")
    res = flow.client.post(
        f"{url}/complete",
        json={"evidence": proof, "reason": "Deed signed by all three parties"},
        headers=flow.commercial,
    )
    assert res.status_code == 200, res.text
    done = res.json()
    assert (done["status"], done["completed_by"], done["version"]) == ("done", "chen", 3)
    assert done["evidence"][0]["kind"] == "licence_novation_deed"
    again = flow.client.post(f"{url}/complete", json={"evidence": proof}, headers=flow.commercial)
    assert again.status_code == 409
    events = flow.client.get(
        "/api/audit/events", params={"case_id": printing["id"]}, headers=flow.pm
    ).json()["items"]
    actions = [e["action"] for e in events if e["action"].startswith("handover.")]
    assert actions == [
        "handover.checklist_opened",
        "handover.task_assigned",
        "handover.task_completed",
    ]
    (completed,) = [e for e in events if e["action"] == "handover.task_completed"]
    assert completed["reason"] == "Deed signed by all three parties"
    assert completed["evidence"][0]["title"] == proof[0]["title"]
    res = flow.client.get("/api/cases/999999/handover-tasks", headers=flow.pm)
    assert res.status_code == 404
    res = flow.client.patch("/api/handover-tasks/999999", json={"owner": "chen"}, headers=flow.pm)
    assert res.status_code == 404


def test_msc_schedule_8_5_the_exit_cannot_end_while_a_mandatory_item_is_open(
    flow: Flow,
) -> None:
    review, (printing,) = flow.approved_review(["buy_commodity"])
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    printing = _commodity_live(flow, printing)
    exit_case = _to_handover(flow, exit_case)
    ended = {"termination_date": "2026-11-25"}
    res = flow.send(flow.manager, exit_case, "confirm_termination", data=ended)
    assert res.status_code == 422 and codes(res) == ["handover_checklist_complete"]
    detail = res.json()["detail"]
    assert f"#{printing['id']}" in detail and "Data migration and completeness check" in detail
    open_tasks = tasks(flow, printing)
    for task in open_tasks[:-1]:
        res = flow.client.post(
            f"/api/handover-tasks/{task['id']}/complete",
            json={"evidence": ev("handover_record")},
            headers=flow.manager,
        )
        assert res.status_code == 200, res.text
    res = flow.send(flow.manager, exit_case, "confirm_termination", data=ended)
    assert res.status_code == 422
    assert open_tasks[-1]["title"] in res.json()["detail"]
    assert open_tasks[0]["title"] not in res.json()["detail"]
    res = flow.client.post(
        f"/api/handover-tasks/{open_tasks[-1]['id']}/complete",
        json={"evidence": ev("asset_transfer_record")},
        headers=flow.manager,
    )
    assert res.status_code == 200, res.text
    exit_case = flow.fire(flow.manager, exit_case, "confirm_termination", data=ended)
    assert exit_case["state"] == "terminated"
