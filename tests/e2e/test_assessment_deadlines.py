"""A build-in-house component's planned phase ends give assessment booking deadlines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from app.clock import FrozenClock

DOC = "https://docs.example.gov.uk/"


def _ev(kind: str) -> dict[str, str]:
    return {"title": kind, "url": DOC + kind, "kind": kind}


def test_phase_ends_and_amber_actions_become_deadlines(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    clock: FrozenClock,
) -> None:
    owner = make_user("sol", "service_owner")
    assessor = make_user("asha", "assessor")
    contract = client.post(
        "/api/contracts",
        json={
            "reference": "R-1",
            "title": "Casework",
            "buyer": {"name": "Home Office"},
            "tier": 2,
            "start_date": "2020-01-01",
            "end_date": "2029-03-31",
        },
        headers=pm,
    ).json()
    review = client.post(
        "/api/cases",
        json={"workflow": "contract_review", "contract_id": contract["id"]},
        headers=pm,
    ).json()

    def fire(
        who: dict[str, str], case: dict[str, Any], trigger: str, **body: Any
    ) -> dict[str, Any]:
        res = client.post(
            f"/api/cases/{case['id']}/transitions", json={"trigger": trigger, **body}, headers=who
        )
        assert res.status_code == 200, res.text
        after: dict[str, Any] = res.json()["case"]
        return after

    fire(pm, review, "triage")
    fire(pm, review, "start_review")
    component = client.post(
        f"/api/cases/{review['id']}/components", json={"name": "Casework app"}, headers=pm
    ).json()
    fire(
        owner,
        component,
        "assess",
        data={"users": "caseworkers", "data_assets": "cases", "dependencies": "identity"},
    )
    fire(owner, component, "propose_route", reason="core service", data={"route": "build_in_house"})
    fire(sro, component, "approve_route", reason="agreed")
    # Work on a route starts only once the SRO has approved the review.
    review = fire(
        pm,
        review,
        "record_decomposition",
        evidence=[_ev("contract_documents"), _ev("spend_analysis")],
    )
    review = fire(
        pm,
        review,
        "appraise_options",
        evidence=[_ev("delivery_model_assessment"), _ev("should_cost_model")],
    )
    review = fire(pm, review, "submit_for_approval")
    fire(sro, review, "approve", reason="routes agreed")
    fire(owner, component, "start_discovery", evidence=[_ev("assurance_gate_approval")])

    bad = client.post(
        f"/api/cases/{component['id']}/transitions",
        json={"trigger": "start_alpha", "data": {"alpha_end_date": "soon"}},
        headers=owner,
    )
    assert bad.status_code == 422 and bad.json()["problems"][0]["code"] == "optional_dates"

    alpha_end = clock.today() + timedelta(days=120)
    case = fire(owner, component, "start_alpha", data={"alpha_end_date": str(alpha_end)})
    booking = [d for d in case["deadlines"] if d["kind"] == "assessment_booking"]
    # GOV.UK Service Manual, "Book a service assessment": at least 4 weeks ahead (the
    # HANDOVER_ASSESSMENT_BOOKING_WEEKS default; 5 was one department's practice).
    assert [(d["date"], d["status"]) for d in booking] == [
        (str(alpha_end - timedelta(weeks=4)), "pending")
    ]

    amber_due = clock.today() + timedelta(days=90)
    case = fire(
        assessor,
        component,
        "record_assessment",
        data={
            "outcome": "amber",
            "amber_actions": "Accessibility audit",
            "amber_actions_due_date": str(amber_due),
        },
        evidence=[_ev("service_assessment_report")],
    )
    kinds = {d["kind"]: d for d in case["deadlines"]}
    assert case["state"] == "private_beta"
    assert kinds["amber_actions"]["date"] == str(amber_due)
    # No planned end for private beta yet: the alpha booking is done with.
    assert "assessment_booking" not in kinds
    assert date.fromisoformat(kinds["amber_actions"]["date"]) > clock.today()

    # Closing the amber actions meets their deadline and clears them; the phase goes on.
    url = f"/api/cases/{component['id']}/transitions"
    bare = client.post(
        url, json={"trigger": "close_amber_actions", "reason": "Done"}, headers=owner
    )
    assert bare.status_code == 422
    assert [p["code"] for p in bare.json()["problems"]] == ["evidence_kinds"]
    case = fire(
        owner,
        component,
        "close_amber_actions",
        reason="Accessibility audit passed; issues fixed",
        evidence=[_ev("amber_actions_closed")],
    )
    assert case["state"] == "private_beta"
    assert "amber_actions" not in case["data"] and "amber_actions_due_date" not in case["data"]
    amber = [d for d in case["deadlines"] if d["kind"] == "amber_actions"]
    assert [(d["date"], d["status"]) for d in amber] == [(str(amber_due), "met")]
    again = client.post(
        url,
        json={
            "trigger": "close_amber_actions",
            "reason": "Again",
            "evidence": [_ev("amber_actions_closed")],
        },
        headers=owner,
    )
    assert again.status_code == 422
    assert [p["code"] for p in again.json()["problems"]] == ["case_field_present"]
    events = client.get(f"/api/cases/{component['id']}/events", headers=owner).json()["items"]
    met = [e for e in events if e["action"] == "deadline.met"]
    assert [e["evidence"][0]["kind"] for e in met] == ["amber_actions_closed"]
