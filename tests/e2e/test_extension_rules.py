"""Extensions: every limit must be recorded and checked; the signed one changes the contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.flow import Flow, codes, ev, make_flow

REQUEST: dict[str, Any] = {
    "justification": "Keep the desk until the new supplier is live",
    "new_end_date": "2028-03-31",
    "new_value": "1050000.00",
}


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def _component_on_contract(flow: Flow, **terms: Any) -> dict[str, Any]:
    review = flow.review(flow.contract(**terms))
    component = flow.approve_route(flow.component(review, "Service desk"), "retain_extend")
    flow.fire(flow.sro, flow.submit(review), "approve", reason="routes agreed")
    return component


def test_an_extension_needs_the_contracts_latest_end_recorded(flow: Flow) -> None:
    component = _component_on_contract(flow, max_end_date=None)
    res = flow.send(flow.manager, component, "request_extension", data=REQUEST)
    assert res.status_code == 422 and codes(res) == ["date_not_after"]
    assert "max end date is not recorded" in res.json()["detail"]


def test_an_extension_needs_the_new_value(flow: Flow) -> None:
    component = _component_on_contract(flow)
    no_value = {k: v for k, v in REQUEST.items() if k != "new_value"}
    res = flow.send(flow.manager, component, "request_extension", data=no_value)
    assert res.status_code == 422 and codes(res) == ["data_required"]
    assert "new value" in res.json()["detail"]
    assert flow.fire(flow.manager, component, "request_extension", data=REQUEST)["state"] == (
        "extension_requested"
    )


def test_recording_the_signed_extension_changes_the_contract(flow: Flow) -> None:
    component = _component_on_contract(flow)
    contract_id = component["contract_id"]
    before = flow.client.get(f"/api/contracts/{contract_id}", headers=flow.pm).json()
    component = flow.fire(flow.manager, component, "request_extension", data=REQUEST)
    component = flow.fire(flow.sro, component, "approve_extension", reason="within the option")
    done = flow.send(flow.manager, component, "record_extension", evidence=ev("contract_variation"))
    assert done.status_code == 200, done.text
    after = flow.client.get(f"/api/contracts/{contract_id}", headers=flow.pm).json()
    assert after["end_date"] == "2028-03-31" and after["value"]["amount"] == "1050000.00"
    assert after["extension_options"] == [] and after["version"] == before["version"] + 1
    # The notice deadline follows the new end date (90 days' notice).
    notice = [d["date"] for d in after["deadlines"] if d["kind"] == "notice"]
    assert notice == ["2028-01-01"]
    events = flow.client.get(
        "/api/audit/events",
        params={"contract_id": contract_id, "action": "contract.updated"},
        headers=flow.pm,
    ).json()["items"]
    (change,) = events
    assert change["actor"] == "colin" and change["at"] == done.json()["event"]["at"]
    assert change["details"]["case_id"] == component["id"]
    assert change["details"]["changes"]["end_date"] == {
        "before": "2027-09-30",
        "after": "2028-03-31",
    }
    assert change["details"]["changes"]["value"]["after"]["amount"] == "1050000.00"
