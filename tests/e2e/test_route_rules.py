"""Routes: only approved routes pass the review; no route starts before the review is approved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.flow import Flow, codes, ev, make_flow


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def test_a_returned_route_is_cleared_and_blocks_review_approval(flow: Flow) -> None:
    review = flow.review(flow.contract())
    component = flow.propose(flow.component(review, "Hosting"), "reprocure")
    returned = flow.fire(flow.sro, component, "return_route", reason="cost it again")
    assert returned["state"] == "assessed"
    assert returned["route"] is None and "route" not in returned["data"]
    # Submitting needs a proposed route: the returned one no longer counts.
    review = flow.fire(
        flow.pm, review, "record_decomposition", evidence=ev("contract_documents", "spend_analysis")
    )
    review = flow.fire(
        flow.pm,
        review,
        "appraise_options",
        evidence=ev("delivery_model_assessment", "should_cost_model"),
    )
    res = flow.send(flow.pm, review, "submit_for_approval")
    assert res.status_code == 422 and codes(res) == ["children_have"]
    # Proposed again but not yet approved: the review may be submitted, not approved.
    component = flow.propose(returned, "reprocure")
    review = flow.fire(flow.pm, review, "submit_for_approval")
    res = flow.send(flow.sro, review, "approve", reason="agreed")
    assert res.status_code == 422 and codes(res) == ["open_children_in_state"]
    assert "route_approved" in res.json()["detail"] and "route_proposed" in res.json()["detail"]
    flow.fire(flow.sro, component, "approve_route", reason="agreed")
    assert flow.fire(flow.sro, review, "approve", reason="agreed")["state"] == "approved"


START: dict[str, tuple[str, dict[str, Any]]] = {
    "build_in_house": ("start_discovery", {"evidence": ev("assurance_gate_approval")}),
    "reprocure": ("start_requirements", {}),
    "buy_commodity": ("start_shortlisting", {"data": {"framework": "G-Cloud 14"}}),
    "retain_extend": (
        "request_extension",
        {
            "data": {
                "justification": "bridge",
                "new_end_date": "2028-03-31",
                "new_value": "1050000.00",
            }
        },
    ),
    "decommission": ("plan_retirement", {"data": {"planned_switch_off_date": "2027-06-30"}}),
}


@pytest.mark.parametrize("route", sorted(START))
def test_no_route_starts_before_the_review_is_approved(flow: Flow, route: str) -> None:
    who = flow.manager if route == "retain_extend" else flow.owner
    if route in ("reprocure", "buy_commodity"):
        who = flow.commercial
    review = flow.review(flow.contract())
    component = flow.approve_route(flow.component(review, "Line"), route)
    trigger, body = START[route]
    res = flow.send(who, component, trigger, **body)
    assert res.status_code == 422, res.text
    assert codes(res) == ["parent_in_state"]
    assert "under_review" in res.json()["detail"] and "approved" in res.json()["detail"]
    review = flow.fire(flow.sro, flow.submit(review), "approve", reason="agreed")
    assert flow.fire(who, component, trigger, **body)["state"] != "route_approved"
