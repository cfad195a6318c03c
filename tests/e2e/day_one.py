"""The first day: the contract lands, is decomposed, and its routes are approved."""

from __future__ import annotations

from datetime import date, timedelta

from tests.e2e.desk import CHILDREN_OPEN, CONTRACT, Day, ev


def intake_and_triage(day: Day) -> None:
    """09:00 to 09:10: the contract lands and is triaged, once it has a tier."""
    client = day.desk.client
    desk = day.desk
    priya = day.priya
    # ---- 09:00 The contract lands on Priya's desk --------------------------------------------
    res = client.post("/api/contracts", json=CONTRACT, headers=priya.headers)
    assert res.status_code == 201, res.text
    day.contract = res.json()
    assert day.contract["tier"] is None and day.contract["max_end_date"] == "2028-03-31"
    notice = [d for d in day.contract["deadlines"] if d["kind"] == "notice"]
    assert [d["date"] for d in notice] == [str(date(2027, 9, 30) - timedelta(days=180))]

    day.review = desk.open(priya, "contract_review", day.contract)
    assert (day.review["state"], day.review["final"], day.review["parent_id"]) == (
        "intake",
        False,
        None,
    )
    assert day.review["contract_id"] == day.contract["id"]

    # ---- 09:10 Triage: the tier must be set first ---------------------------------------------
    problem = desk.refused(
        priya, day.review, "triage", 422, "transition_blocked", ["contract_field_present"]
    )
    assert "tier" in problem["detail"]
    stale = day.contract["version"]
    res = client.patch(
        f"/api/contracts/{day.contract['id']}",
        json={"tier": 2, "reason": "Tier 2: business-critical casework, complex exit"},
        headers={**priya.headers, "If-Match": f'"{stale}"'},
    )
    assert res.status_code == 200, res.text
    day.contract = res.json()
    assert day.contract["tier"] == 2 and day.contract["version"] == stale + 1
    assert res.headers["ETag"] == f'"{day.contract["version"]}"'
    res = client.patch(
        f"/api/contracts/{day.contract['id']}",
        json={"tier": 3},
        headers={**priya.headers, "If-Match": f'"{stale}"'},
    )
    assert res.status_code == 412, res.text
    day.review = desk.step(priya, day.review, "triage", to="triaged")
    assert day.review["data"]["stage"] == "triaged"
    day.review = desk.step(priya, day.review, "start_review", to="under_review")


def decompose(day: Day) -> None:
    """10:00: the review is decomposed into four service lines."""
    desk = day.desk
    priya = day.priya
    # ---- 10:00 Decomposition into service lines -----------------------------------------------
    decomposition_evidence = [ev("contract_documents"), ev("spend_analysis")]
    desk.refused(
        priya,
        day.review,
        "record_decomposition",
        422,
        "transition_blocked",
        ["has_children"],
        evidence=decomposition_evidence,
    )
    day.hosting = desk.component(
        priya,
        day.review,
        "Hosting",
        "Two Tier III data centres, 340 virtual machines, backup and disaster recovery.",
        "reprocure",
    )
    day.casework = desk.component(
        priya,
        day.review,
        "Case management application",
        "The bespoke Java casework system used by 4,200 caseworkers.",
        "build_in_house",
    )
    day.reporting = desk.component(
        priya,
        day.review,
        "Legacy reporting",
        "Business Objects reports on the 2012 data warehouse; superseded by the MI platform.",
        "decommission",
    )
    day.service_desk = desk.component(
        priya,
        day.review,
        "Service desk",
        "24x7 first- and second-line support for caseworkers.",
        "retain_extend",
    )
    day.components = [day.hosting, day.casework, day.reporting, day.service_desk]
    day.review = desk.step(
        priya, day.review, "record_decomposition", to="decomposed", evidence=decomposition_evidence
    )
    day.review = desk.case(priya, day.review)
    assert [c["title"] for c in day.review["children"]] == [c["title"] for c in day.components]
    assert day.review["rollup"]["children"] == 4 and day.review["rollup"]["open"] == 4
    assert day.review["rollup"]["by_route"] == {"undecided": 4}
    assert day.review["rollup"]["by_state"] == {"identified": 4}


def appraise_options(day: Day) -> None:
    """11:00: options appraised; submitting waits for routes, and says why."""
    desk = day.desk
    priya, dana = day.priya, day.dana
    # ---- 11:00 Options appraisal: the Delivery Model Assessment and should-cost model -------
    desk.refused(
        priya,
        day.review,
        "appraise_options",
        422,
        "transition_blocked",
        ["evidence_required", "evidence_kinds"],
        evidence=[ev("delivery_model_assessment")],
    )
    day.review = desk.step(
        priya,
        day.review,
        "appraise_options",
        to="options_appraised",
        evidence=[ev("delivery_model_assessment"), ev("should_cost_model")],
    )
    # Nobody has proposed a route yet: submitting is blocked, and Handover says why.
    submit = desk.options(priya, day.review)["submit_for_approval"]
    assert submit["allowed"] is False and submit["dest"] == "awaiting_approval"
    assert [b["code"] for b in submit["blocked_by"]] == ["children_have"]
    detail = submit["blocked_by"][0]["detail"]
    assert "route" in detail
    assert all(f"#{c['id']} ({c['title']})" in detail for c in day.components), detail
    day.review = desk.case(priya, day.review)
    assert day.review["rollup"]["blocking"] == [
        {
            "trigger": "submit_for_approval",
            "dest": "awaiting_approval",
            "blocked_by": submit["blocked_by"],
        }
    ]
    desk.refused(
        dana, day.review, "submit_for_approval", 422, "transition_blocked", ["children_have"]
    )


def propose_and_approve_routes(day: Day) -> None:
    """11:30 to 15:00: each line assessed, routed and approved, four-eyes."""
    desk = day.desk
    sam, dana, chen, sol = day.sam, day.dana, day.chen, day.sol
    # ---- 11:30 Each service line is assessed, then a route proposed ---------------------------
    desk.refused(
        sol,
        day.hosting,
        "assess",
        422,
        "transition_blocked",
        ["data_required"],
        data={"users": "Caseworkers and Border Force officers"},
    )
    assessments = {
        "Hosting": {
            "users": "All casework systems; 4,200 caseworkers indirectly",
            "data_assets": "Casework databases (OFFICIAL-SENSITIVE), backups for 7 years",
            "dependencies": "PSN connectivity, Home Office identity service",
        },
        "Case management application": {
            "users": "4,200 caseworkers in 11 sites",
            "data_assets": "Immigration case records, 14 million documents",
            "dependencies": "Hosting, Home Office identity service, payments",
        },
        "Legacy reporting": {
            "users": "38 performance analysts",
            "data_assets": "2012-era data warehouse snapshot",
            "dependencies": "Hosting; nightly extract from casework",
        },
        "Service desk": {
            "users": "4,200 caseworkers",
            "data_assets": "Incident history in the supplier's ITSM tool",
            "dependencies": "All service lines",
        },
    }
    day.hosting, day.casework, day.reporting, day.service_desk = (
        desk.step(sol, c, "assess", to="assessed", data=assessments[c["title"]])
        for c in day.components
    )
    proposals = [
        (chen, day.hosting, "reprocure", "Commodity hosting; a Crown Hosting call-off is cheaper."),
        (
            sol,
            day.casework,
            "build_in_house",
            "Core capability; the DMA favours in-house delivery.",
        ),
        (sol, day.reporting, "decommission", "The MI platform already replaces every report."),
        (
            dana,
            day.service_desk,
            "retain_extend",
            "Bridge until the new hosting desk is mobilised.",
        ),
    ]
    proposed = []
    for who, component, route, why in proposals:
        component = desk.step(
            who, component, "propose_route", to="route_proposed", reason=why, data={"route": route}
        )
        assert component["route"] == route
        proposed.append(component)
    day.hosting, day.casework, day.reporting, day.service_desk = proposed

    # ---- 14:00 Dana submits the recommendation to the SRO -------------------------------------
    day.review = desk.step(dana, day.review, "submit_for_approval", to="awaiting_approval")

    # ---- 15:00 Four-eyes: the SRO approves each route; its proposer cannot ---------------------
    approved = []
    for (proposer, _, route, _), component in zip(proposals, proposed, strict=True):
        body = desk.refused(
            proposer,
            component,
            "approve_route",
            403,
            "four_eyes",
            ["four_eyes"] if proposer is dana else ["role_required", "four_eyes"],
            reason="I proposed it and I agree with it",
        )
        assert "propose_route" in body["detail"]
        component = desk.step(
            sam,
            component,
            "approve_route",
            to="route_approved",
            reason=f"Approved: {route.replace('_', ' ')} is the best value option in the DMA.",
        )
        approved.append(component)
    day.hosting, day.casework, day.reporting, day.service_desk = approved

    # What may the service owner do with the casework component now? Only discovery, once the
    # SRO has approved the review, and only with an assurance gate approval: the other routes'
    # first steps say why not.
    options = desk.options(sol, day.casework)
    discovery = options["start_discovery"]
    assert discovery["allowed"] is False
    assert [b["code"] for b in discovery["blocked_by"]] == ["parent_in_state", "evidence_kinds"]
    assert "awaiting_approval" in discovery["blocked_by"][0]["detail"]
    assert "assurance_gate_approval" in discovery["blocked_by"][1]["detail"]
    retirement = options["plan_retirement"]
    assert "data_field_in" in [b["code"] for b in retirement["blocked_by"]]
    assert any("build_in_house" in b["detail"] for b in retirement["blocked_by"])
    assert options["request_extension"]["blocked_by"][0]["code"] == "role_required"


def approve_the_review(day: Day) -> None:
    """16:00 to 17:00: the SRO approves, the exit opens, transition starts."""
    desk = day.desk
    priya, sam, dana, colin = day.priya, day.sam, day.dana, day.colin
    # ---- 16:00 The SRO approves the review; the submitter may not ----------------------------
    desk.refused(
        dana, day.review, "approve", 403, "four_eyes", ["four_eyes"], reason="Approved by me"
    )
    desk.refused(sam, day.review, "approve", 422, "transition_blocked", ["reason_required"])
    day.review = desk.step(
        sam,
        day.review,
        "approve",
        to="approved",
        reason="Routes approved at the Investment Committee on 25 November 2026.",
    )
    exits = [c for c in day.review["children"] if c["workflow"] == "contract_exit"]
    assert len(exits) == 1 and exits[0]["state"] == "exit_planning"
    day.exit_case = desk.get(priya, f"/api/cases/{exits[0]['id']}")
    assert (
        day.exit_case["parent_id"] == day.review["id"]
        and day.exit_case["contract_id"] == day.contract["id"]
    )
    listed = desk.pages(priya, "/api/cases", parent_id=day.review["id"])
    assert [c["id"] for c in listed] == [c["id"] for c in day.components] + [day.exit_case["id"]]
    listed = desk.pages(priya, "/api/cases", parent_id=day.review["id"], workflow="contract_exit")
    assert [c["id"] for c in listed] == [day.exit_case["id"]]

    # ---- 16:30 Transition starts; closing is blocked while work is open ------------------------
    day.review = desk.step(priya, day.review, "start_transition", to="in_transition")
    body = desk.refused(priya, day.review, "close", 422, "transition_blocked", CHILDREN_OPEN)
    assert "5 child case(s) are not finished yet" in body["detail"]
    rollup = desk.case(priya, day.review)["rollup"]
    assert rollup["children"] == 5 and rollup["open"] == 5
    # The exit case is a child too, but only components are counted by route and state.
    assert rollup["components"] == 4
    assert rollup["by_state"] == {"route_approved": 4}
    assert rollup["by_route"] == {
        "reprocure": 1,
        "build_in_house": 1,
        "decommission": 1,
        "retain_extend": 1,
    }
    assert [(b["trigger"], [x["code"] for x in b["blocked_by"]]) for b in rollup["blocking"]] == [
        ("close", ["all_children_final", "child_in_state"])
    ]

    # ---- 17:00 The contract manager gets the supplier's exit plan agreed ----------------------
    day.exit_case = desk.step(
        colin,
        day.exit_case,
        "agree_exit_plan",
        to="notice_due",
        evidence=[ev("supplier_exit_plan")],
    )
