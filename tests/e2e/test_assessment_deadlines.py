"""A build-in-house component's planned phase ends give assessment booking deadlines."""

from __future__ import annotations

from datetime import date, timedelta

DOC = "https://docs.example.gov.uk/"


def _ev(kind):
    return {"title": kind, "url": DOC + kind, "kind": kind}


def test_phase_ends_and_amber_actions_become_deadlines(client, pm, sro, make_user, clock):
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

    def fire(who, case, trigger, **body):
        res = client.post(
            f"/api/cases/{case['id']}/transitions", json={"trigger": trigger, **body}, headers=who
        )
        assert res.status_code == 200, res.text
        return res.json()["case"]

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
    assert [(d["date"], d["status"]) for d in booking] == [
        (str(alpha_end - timedelta(days=35)), "pending")
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
