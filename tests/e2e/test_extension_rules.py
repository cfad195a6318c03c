"""Extensions: every limit must be recorded and checked; the signed one changes the contract."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.flow import Flow, codes, make_flow

REQUEST: dict[str, Any] = {
    "justification": "Keep the desk until the new supplier is live",
    "new_end_date": "2028-03-31",
    "new_value": "1050000.00",
}


@pytest.fixture
def flow(client, pm, sro, make_user) -> Flow:
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
