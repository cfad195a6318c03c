"""A programme manager's day, over REST only: one Home Office contract from intake to closed.

Priya, a programme manager, takes an outsourced hosting contract through the three shipped
workflows (contract_review, service_component, contract_exit): triage, decomposition into
four service lines on four delivery routes, four-eyes route approvals, the SRO's approval
(which opens the contract exit), months of re-delivery on the injected clock, the exit and
the closure, and then reads the audit trail back to check it tells the whole story.

Nothing here touches the database or the services directly: every step is an HTTP call.

The day is told in phases, in order: day_one.py (intake to the SRO's approval), day_months.py
(the routes delivered and notice served), day_exit.py (the exit and the closure) and
day_audit.py (the trail read back); desk.py holds the people and the checked REST calls.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from app.clock import FrozenClock
from tests.e2e import day_audit, day_exit, day_months, day_one
from tests.e2e.desk import CONTRACT, Desk, Person, ev, start_the_day


def test_programme_manager_takes_a_contract_from_intake_to_closed(
    client: TestClient, clock: FrozenClock, make_user: Callable[..., dict[str, str]]
) -> None:
    day = start_the_day(client, clock, make_user)
    day_one.intake_and_triage(day)
    day_one.decompose(day)
    day_one.appraise_options(day)
    day_one.propose_and_approve_routes(day)
    day_one.approve_the_review(day)
    # ==== The weeks and months that follow, on the injected clock ==============================
    day_months.start_every_route(day)
    day_months.alpha_and_tender(day)
    day_months.award_and_mobilise(day)
    day_months.retire_and_serve_notice(day)
    day_exit.exit_the_contract(day)
    day_exit.close_the_review(day)
    # ==== End of day: the audit trail tells the whole story ====================================
    day_audit.each_case_tells_its_story(day)
    day_audit.the_contract_trail_is_whole(day)


def test_withdrawing_a_review_cancels_its_open_children(
    client: TestClient, make_user: Callable[..., dict[str, str]]
) -> None:
    desk = Desk(client)
    priya = Person("priya", make_user("priya", "programme_manager"))
    sam = Person("sam", make_user("sam", "senior_responsible_owner"))
    sol = Person("sol", make_user("sol", "service_owner"))
    res = client.post(
        "/api/contracts",
        json={
            **CONTRACT,
            "reference": "HO-EUC-2020-0031",
            "title": "End-user computing",
            "tier": 1,
        },
        headers=priya.headers,
    )
    assert res.status_code == 201, res.text
    contract = res.json()

    # A review taken as far as approval, so the exit case is open too.
    review = desk.open(priya, "contract_review", contract)
    review = desk.step(priya, review, "triage", to="triaged")
    review = desk.step(priya, review, "start_review", to="under_review")
    laptops = desk.component(priya, review, "Laptops", "12,000 managed laptops", "buy_commodity")
    printing = desk.component(priya, review, "Print", "Managed print in 40 sites", "decommission")
    helpdesk = desk.component(priya, review, "Service desk", "End-user support", "reprocure")
    review = desk.step(
        priya,
        review,
        "record_decomposition",
        to="decomposed",
        evidence=[ev("contract_documents"), ev("spend_analysis")],
    )
    review = desk.step(
        priya,
        review,
        "appraise_options",
        to="options_appraised",
        evidence=[ev("delivery_model_assessment"), ev("should_cost_model")],
    )
    routes = {
        laptops["id"]: "buy_commodity",
        printing["id"]: "decommission",
        helpdesk["id"]: "reprocure",
    }
    children = []
    for child in (laptops, printing, helpdesk):
        child = desk.step(
            sol,
            child,
            "assess",
            to="assessed",
            data={"users": "All staff", "data_assets": "Asset register", "dependencies": "None"},
        )
        child = desk.step(
            sol,
            child,
            "propose_route",
            to="route_proposed",
            reason="As the DMA recommends",
            data={"route": routes[child["id"]]},
        )
        children.append(child)
    laptops, printing, helpdesk = children
    laptops = desk.step(
        sam, laptops, "approve_route", to="route_approved", reason="Commodity: buy it"
    )
    # Print is stopped by the SRO before the review is approved: withdrawing must leave it alone.
    printing = desk.step(
        sam, printing, "cancel", to="cancelled", reason="Print is covered by the estates contract"
    )
    review = desk.step(priya, review, "submit_for_approval", to="awaiting_approval")
    # A route only proposed is not approved: the review waits for the help desk's.
    body = desk.refused(
        sam,
        review,
        "approve",
        422,
        "transition_blocked",
        ["open_children_in_state"],
        reason="Routes approved",
    )
    assert f"#{helpdesk['id']}" in body["detail"] and "route_proposed" in body["detail"]
    helpdesk = desk.step(
        sam, helpdesk, "approve_route", to="route_approved", reason="Re-procure the desk"
    )
    review = desk.step(sam, review, "approve", to="approved", reason="Routes approved")
    (exit_summary,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]

    # Only the SRO may withdraw, and must say why.
    desk.refused(
        priya,
        review,
        "withdraw",
        403,
        "role_required",
        ["role_required"],
        reason="No longer needed",
    )
    desk.refused(sam, review, "withdraw", 422, "transition_blocked", ["reason_required"])
    why = "The department is moving to a shared service; this review is superseded."
    review = desk.step(sam, review, "withdraw", to="withdrawn", reason=why)
    withdrawal = desk.last_event
    assert review["final"] is True
    states = {c["id"]: (c["state"], c["final"]) for c in review["children"]}
    assert states == {
        laptops["id"]: ("cancelled", True),
        printing["id"]: ("cancelled", True),
        helpdesk["id"]: ("cancelled", True),
        exit_summary["id"]: ("cancelled", True),
    }

    # Each open child has its own audit event, by the system, saying why.
    for child, was in (
        (laptops, "route_approved"),
        (helpdesk, "route_approved"),
        (exit_summary, "exit_planning"),
    ):
        events = desk.pages(priya, f"/api/cases/{child['id']}/events")
        cancels = [
            e for e in events if e["action"] == "case.transitioned" and e["to_state"] == "cancelled"
        ]
        assert len(cancels) == 1, cancels
        (cancel,) = cancels
        assert cancel["actor"] == "system" and cancel["trigger"] == "cancel"
        assert cancel["roles"] == []  # the system acts for the SRO; it holds no role itself
        assert cancel["from_state"] == was
        assert str(review["id"]) in cancel["reason"] and why in cancel["reason"]
        # Recorded in the same request, right after the review's own event.
        assert cancel["seq"] > withdrawal["seq"] and cancel["at"] == withdrawal["at"]
        assert cancel["details"]["workflow"] == child["workflow"]
        after = desk.get(priya, f"/api/cases/{child['id']}")
        assert (after["state"], after["final"]) == ("cancelled", True)
    # The child the SRO had already cancelled has only that one cancellation, by the SRO.
    events = desk.pages(priya, f"/api/cases/{printing['id']}/events")
    cancels = [e for e in events if e["to_state"] == "cancelled"]
    assert [(e["actor"], e["reason"]) for e in cancels] == [
        ("sam", "Print is covered by the estates contract")
    ]
    system = desk.pages(priya, "/api/audit/events", contract_id=contract["id"], actor="system")
    assert sorted(e["case_id"] for e in system if e["action"] == "case.transitioned") == sorted(
        [laptops["id"], helpdesk["id"], exit_summary["id"]]
    )
    assert all(e["action"] != "case.cancel_failed" for e in system)
    assert desk.get(priya, "/api/audit/verify")["ok"] is True
