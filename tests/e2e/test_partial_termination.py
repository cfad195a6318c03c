"""An extended service line stays on the contract: partial termination, not the whole end.

Sources: Procurement Act 2023 s.74 and Schedule 8 (permitted modifications) and s.75
(contract change notice, UK10); Public Contracts Regulations 2015 reg. 72 (modification of
contracts during their term). Reducing scope is a contract change; the contract has not
ended, so no contract termination notice (s.80, UK11) is owed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.clock import FrozenClock
from tests.e2e.flow import Flow, codes, ev, make_flow


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def _lines_done(flow: Flow, printing: dict[str, Any], desk: dict[str, Any]) -> None:
    chen, owner = flow.commercial, flow.owner
    printing = flow.fire(chen, printing, "start_shortlisting", data={"framework": "G-Cloud 14"})
    printing = flow.fire(chen, printing, "evaluate_shortlist", evidence=ev("evaluation_report"))
    printing = flow.fire(chen, printing, "call_off", evidence=ev("call_off_contract"))
    printing = flow.fire(owner, printing, "start_migration")
    flow.fire(owner, printing, "go_live")
    res = flow.client.get(f"/api/cases/{printing['id']}/handover-tasks", headers=flow.pm)
    for task in res.json()["items"]:
        done = flow.client.post(
            f"/api/handover-tasks/{task['id']}/complete",
            json={"evidence": ev("handover_record")},
            headers=flow.manager,
        )
        assert done.status_code == 200, done.text
    extension = {
        "justification": "Replacement service desk not ready",
        "new_end_date": "2028-03-31",
        "new_value": "1050000.00",
    }
    desk = flow.fire(flow.manager, desk, "request_extension", data=extension)
    desk = flow.fire(flow.sro, desk, "approve_extension", reason="Bridging to the new desk")
    flow.fire(flow.manager, desk, "record_extension", evidence=ev("contract_variation"))


def test_pa2023_s74_an_extended_line_keeps_the_contract_alive_so_the_rest_is_descoped(
    flow: Flow,
) -> None:
    review, (printing, desk) = flow.approved_review(
        ["buy_commodity", "retain_extend"], regime="pa2023"
    )
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    _lines_done(flow, printing, desk)
    exit_case = flow.fire(
        flow.manager, exit_case, "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    exit_case = flow.fire(flow.sro, exit_case, "run_to_expiry", reason="The desk runs on")
    exit_case = flow.fire(flow.manager, exit_case, "start_exit_period")
    exit_case = flow.fire(flow.manager, exit_case, "start_handover")
    ended = {"termination_date": "2026-11-25"}
    res = flow.send(flow.manager, exit_case, "confirm_termination", data=ended)
    assert res.status_code == 422 and codes(res) == ["extended_siblings_ended"]
    assert f"#{desk['id']}" in res.json()["detail"] and "2028-03-31" in res.json()["detail"]
    scope = {"descoped_date": "2026-11-25"}
    res = flow.send(flow.manager, exit_case, "descope_lines", reason="Print leaves", data=scope)
    assert res.status_code == 422 and codes(res) == ["evidence_kinds"]
    exit_case = flow.fire(
        flow.manager,
        exit_case,
        "descope_lines",
        reason="Print management leaves the contract; the service desk runs on",
        data=scope,
        evidence=ev("contract_variation"),
    )
    assert exit_case["state"] == "descoped"
    contract = flow.client.get(f"/api/contracts/{exit_case['contract_id']}", headers=flow.pm).json()
    kinds = {d["kind"] for d in contract["deadlines"] if d["status"] in ("pending", "missed")}
    # The contract has not ended: no UK11, and its own deadlines (to the extended end) stand.
    assert "termination_notice" not in kinds and "hard_stop" in kinds
    assert contract["end_date"] == "2028-03-31"


def test_partial_termination_needs_an_extended_line(flow: Flow) -> None:
    review, _ = flow.approved_review(["decommission"])
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    exit_case = flow.fire(
        flow.manager, exit_case, "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    exit_case = flow.fire(flow.sro, exit_case, "run_to_expiry", reason="Ends on its date")
    exit_case = flow.fire(flow.manager, exit_case, "start_exit_period")
    exit_case = flow.fire(flow.manager, exit_case, "start_handover")
    res = flow.send(
        flow.manager,
        exit_case,
        "descope_lines",
        reason="no",
        data={"descoped_date": "2026-11-25"},
        evidence=ev("contract_variation"),
    )
    assert res.status_code == 422 and "some_sibling_in_state" in codes(res)


def test_the_contract_ends_whole_once_the_extended_term_has_run_out(
    flow: Flow, clock: FrozenClock
) -> None:
    review, (printing, desk) = flow.approved_review(["buy_commodity", "retain_extend"])
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    _lines_done(flow, printing, desk)
    exit_case = flow.fire(
        flow.manager, exit_case, "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    exit_case = flow.fire(flow.sro, exit_case, "run_to_expiry", reason="Ends on its date")
    exit_case = flow.fire(flow.manager, exit_case, "start_exit_period")
    exit_case = flow.fire(flow.manager, exit_case, "start_handover")
    clock.set(datetime(2028, 3, 31, 12, tzinfo=UTC))  # the extended end date
    exit_case = flow.fire(
        flow.manager, exit_case, "confirm_termination", data={"termination_date": "2028-03-31"}
    )
    assert exit_case["state"] == "terminated"
