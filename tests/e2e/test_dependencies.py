"""Dependencies between components: a line is not cut over before the lines it needs are live.

Source: Cabinet Office, "Guidance on exiting major IT contracts" (2017), and service
transition practice: an exit is sequenced around the dependencies between services, and a
service is not cut over (migrated, taken live) before the services it relies on run.
"""

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


def _put(flow: Flow, case: dict[str, Any], other: dict[str, Any], **headers: str) -> Any:
    url = f"/api/cases/{case['id']}/dependencies/{other['id']}"
    return flow.client.put(url, headers={**flow.pm, **headers})


def _to_called_off(flow: Flow, line: dict[str, Any]) -> dict[str, Any]:
    line = flow.fire(flow.commercial, line, "start_shortlisting", data={"framework": "G-Cloud 14"})
    line = flow.fire(flow.commercial, line, "evaluate_shortlist", evidence=ev("evaluation_report"))
    return flow.fire(flow.commercial, line, "call_off", evidence=ev("call_off_contract"))


def test_cutover_refused_until_the_line_it_depends_on_is_live(flow: Flow) -> None:
    _, (first, second) = flow.approved_review(["buy_commodity", "buy_commodity"])
    res = _put(flow, second, first)
    assert res.status_code == 200, res.text
    assert [d["id"] for d in res.json()["items"]] == [first["id"]]
    second = _to_called_off(flow, flow.get(second))
    res = flow.send(flow.owner, second, "start_migration")
    assert res.status_code == 422, res.text
    assert codes(res) == ["dependencies_in_state"]
    assert f"#{first['id']} (Line 0) in route_approved" in res.json()["detail"]
    options = flow.client.get(f"/api/cases/{second['id']}/transitions", headers=flow.owner)
    (migrate,) = [o for o in options.json() if o["trigger"] == "start_migration"]
    assert not migrate["allowed"] and "Line 0" in migrate["blocked_by"][0]["detail"]
    # The line it needs goes live first; then this one may cut over and go live.
    first = flow.fire(flow.owner, _to_called_off(flow, first), "start_migration")
    assert flow.fire(flow.owner, first, "go_live")["state"] == "commodity_live"
    second = flow.fire(flow.owner, second, "start_migration")
    assert flow.fire(flow.owner, second, "go_live")["state"] == "commodity_live"


def test_a_cycle_and_a_self_dependency_are_refused_with_reasons(flow: Flow) -> None:
    review = flow.review(flow.contract())
    a, b, c = (flow.component(review, name) for name in ("Hosting", "Service desk", "Network"))
    assert _put(flow, a, b).status_code == 200
    assert _put(flow, b, c).status_code == 200
    res = _put(flow, c, a)
    assert res.status_code == 422, res.text
    assert codes(res) == ["cycle"]
    assert f"#{c['id']} -> #{a['id']} -> #{b['id']} -> #{c['id']}" in res.json()["detail"]
    res = _put(flow, a, a)
    assert res.status_code == 422 and codes(res) == ["self_dependency"]
    res = _put(flow, a, review)
    assert res.status_code == 422 and codes(res) == ["not_a_component"]
    flow.fire(flow.sro, c, "cancel", reason="no longer needed")
    assert _put(flow, b, c).status_code == 200  # recorded before: no change
    res = _put(flow, a, c)  # a cancelled line never goes live: it cannot be depended on anew
    assert res.status_code == 422 and codes(res) == ["cancelled_line"]


def test_a_line_of_another_review_is_refused(flow: Flow) -> None:
    mine = flow.component(flow.review(flow.contract()), "Hosting")
    theirs = flow.component(flow.review(flow.contract(reference="HO-FLOW-2")), "Hosting")
    res = _put(flow, mine, theirs)
    assert res.status_code == 422, res.text
    assert codes(res) == ["other_review"]
    assert "same review" in res.json()["detail"]


def test_a_dependency_is_versioned_audited_and_removable(flow: Flow) -> None:
    review = flow.review(flow.contract())
    a, b = flow.component(review, "Hosting"), flow.component(review, "Service desk")
    before = flow.get(a)["version"]
    res = _put(flow, a, b, **{"If-Match": f'"{before}"'})
    assert res.status_code == 200, res.text
    assert res.headers["ETag"] == f'"{before + 1}"' and res.json()["version"] == before + 1
    assert _put(flow, a, b, **{"If-Match": f'"{before}"'}).status_code == 412
    # Saying it again changes nothing: no new version, no new event.
    assert _put(flow, a, b).json()["version"] == before + 1
    url = f"/api/cases/{a['id']}/dependencies/{b['id']}"
    assert flow.client.delete(url, headers=flow.owner).status_code == 200
    assert flow.client.delete(url, headers=flow.owner).status_code == 404
    assert flow.client.put(url, headers=flow.commercial).status_code == 403
    events = flow.client.get(f"/api/cases/{a['id']}/events", headers=flow.pm).json()["items"]
    actions = [e["action"] for e in events if e["action"].startswith("component.dependency")]
    assert actions == ["component.dependency_added", "component.dependency_removed"]
    listed = flow.client.get(f"/api/cases/{a['id']}/dependencies", headers=flow.pm)
    assert listed.status_code == 200 and listed.json()["items"] == []
