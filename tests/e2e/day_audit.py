"""End of day: the audit trail tells the whole story, and every decision in it holds."""

from __future__ import annotations

from typing import Any

from tests.e2e.desk import MOVED, Day, Desk, Person


def _transition_defs(desk: Desk, who: Person, workflow: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = desk.get(who, f"/api/workflows/{workflow}")["transitions"]
    return result


def _applies(params: dict[str, Any], e: dict[str, Any]) -> bool:
    """Whether a guard with `when_field` (a request field) applied to the recorded request."""
    if "when_field" not in params:
        return True
    return e["details"]["data"].get(params["when_field"]) in params["when_values"]


def _check_decisions(desk: Desk, who: Person, events: list[dict[str, Any]], workflow: str) -> None:
    """Every decision recorded what its transition required: reason, evidence, four-eyes."""
    defs = _transition_defs(desk, who, workflow)
    last_actor: dict[str, str] = {}
    for e in events:
        if e["action"] != "case.transitioned":
            continue
        candidates = [
            t
            for t in defs
            if t["trigger"] == e["trigger"]
            and t["dest"] == e["to_state"]
            and (e["from_state"] in t["sources"] or "*" in t["sources"])
        ]
        assert candidates, e
        kinds = {x.get("kind") for x in e["evidence"]}

        def satisfied(
            t: dict[str, Any], e: dict[str, Any] = e, kinds: set[str | None] = kinds
        ) -> bool:
            if t["requires_reason"] and not (e["reason"] or "").strip():
                return False
            if len(e["evidence"]) < t["requires_evidence"]:
                return False
            wanted = {
                k
                for g in t["guards"]
                if g["name"] == "evidence_kinds" and _applies(g["params"], e)
                for k in g["params"]["kinds"]
            }
            return wanted <= kinds

        assert any(satisfied(t) for t in candidates), (workflow, e)
        for t in candidates:
            proposer = t["not_by_actor_of"]
            if proposer is not None and proposer in last_actor:
                assert e["actor"] != last_actor[proposer], (workflow, e["trigger"], e["actor"])
        last_actor[e["trigger"]] = e["actor"]


def each_case_tells_its_story(day: Day) -> None:
    """Each case's events, in order, are the day's decisions by who took them."""
    desk = day.desk
    priya = day.priya

    def story(case: dict[str, Any]) -> list[tuple[Any, ...]]:
        events = desk.pages(priya, f"/api/cases/{case['id']}/events", limit=500)
        return [
            (e["action"], e["trigger"], e["from_state"], e["to_state"], e["actor"])
            for e in events
            if e["action"] in {"case.opened", "case.transitioned", "component.created"}
        ]

    assert story(day.review) == [
        ("case.opened", None, None, "intake", "priya"),
        (MOVED, "triage", "intake", "triaged", "priya"),
        (MOVED, "start_review", "triaged", "under_review", "priya"),
        ("component.created", None, None, None, "priya"),
        ("component.created", None, None, None, "priya"),
        ("component.created", None, None, None, "priya"),
        ("component.created", None, None, None, "priya"),
        (MOVED, "record_decomposition", "under_review", "decomposed", "priya"),
        (MOVED, "appraise_options", "decomposed", "options_appraised", "priya"),
        (MOVED, "submit_for_approval", "options_appraised", "awaiting_approval", "dana"),
        (MOVED, "approve", "awaiting_approval", "approved", "sam"),
        (MOVED, "start_transition", "approved", "in_transition", "priya"),
        (MOVED, "close", "in_transition", "closed", "priya"),
    ]
    decided = [("case.opened", None, None, "identified", "priya")]
    assert story(day.hosting) == [
        *decided,
        (MOVED, "assess", "identified", "assessed", "sol"),
        (MOVED, "propose_route", "assessed", "route_proposed", "chen"),
        (MOVED, "approve_route", "route_proposed", "route_approved", "sam"),
        (MOVED, "start_requirements", "route_approved", "defining_requirements", "chen"),
        (MOVED, "engage_market", "defining_requirements", "market_engaged", "chen"),
        (MOVED, "start_tender", "market_engaged", "tendering", "chen"),
        (MOVED, "record_evaluation", "tendering", "tenders_evaluated", "chen"),
        (MOVED, "award", "tenders_evaluated", "awarded", "dana"),
        (MOVED, "sign_contract", "awarded", "contracted", "colin"),
        (MOVED, "mobilise", "contracted", "mobilised", "colin"),
        (MOVED, "go_live", "mobilised", "new_contract_live", "sol"),
    ]
    assert story(day.casework) == [
        *decided,
        (MOVED, "assess", "identified", "assessed", "sol"),
        (MOVED, "propose_route", "assessed", "route_proposed", "sol"),
        (MOVED, "approve_route", "route_proposed", "route_approved", "sam"),
        (MOVED, "start_discovery", "route_approved", "discovery", "sol"),
        (MOVED, "start_alpha", "discovery", "alpha", "sol"),
        (MOVED, "record_assessment", "alpha", "alpha_reassessment", "asha"),
        (MOVED, "reassess", "alpha_reassessment", "alpha", "sol"),
        (MOVED, "record_assessment", "alpha", "private_beta", "asha"),
        (MOVED, "record_assessment", "private_beta", "public_beta", "asha"),
        (MOVED, "record_assessment", "public_beta", "ready_for_live", "asha"),
        (MOVED, "go_live", "ready_for_live", "live", "sol"),
    ]
    assert story(day.reporting) == [
        *decided,
        (MOVED, "assess", "identified", "assessed", "sol"),
        (MOVED, "propose_route", "assessed", "route_proposed", "sol"),
        (MOVED, "approve_route", "route_proposed", "route_approved", "sam"),
        (MOVED, "plan_retirement", "route_approved", "retirement_planned", "sol"),
        (MOVED, "confirm_users_migrated", "retirement_planned", "users_migrated", "sol"),
        (MOVED, "archive_data", "users_migrated", "data_archived", "colin"),
        (MOVED, "switch_off", "data_archived", "switched_off", "sol"),
        (MOVED, "confirm_decommissioned", "switched_off", "decommissioned", "colin"),
    ]
    assert story(day.service_desk) == [
        *decided,
        (MOVED, "assess", "identified", "assessed", "sol"),
        (MOVED, "propose_route", "assessed", "route_proposed", "dana"),
        (MOVED, "approve_route", "route_proposed", "route_approved", "sam"),
        (MOVED, "request_extension", "route_approved", "extension_requested", "colin"),
        (MOVED, "approve_extension", "extension_requested", "extension_approved", "sam"),
        (MOVED, "record_extension", "extension_approved", "extended", "colin"),
    ]
    assert story(day.exit_case) == [
        ("case.opened", None, None, "exit_planning", "sam"),
        (MOVED, "agree_exit_plan", "exit_planning", "notice_due", "colin"),
        (MOVED, "serve_notice", "notice_due", "notice_served", "sam"),
        (MOVED, "start_exit_period", "notice_served", "exit_period", "colin"),
        (MOVED, "start_handover", "exit_period", "handover_in_progress", "priya"),
        (MOVED, "confirm_termination", "handover_in_progress", "terminated", "colin"),
        (MOVED, "close", "terminated", "closed", "priya"),
    ]


def the_contract_trail_is_whole(day: Day) -> None:
    """The contract's trail is its own and its cases' events, every decision valid."""
    desk = day.desk
    priya = day.priya
    # The whole contract's trail, page by page, oldest first, is exactly the union of the
    # contract's own events and its cases' events.
    trail = desk.pages(priya, "/api/audit/events", contract_id=day.contract["id"], limit=40)
    seqs = [e["seq"] for e in trail]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and len(trail) > 40
    assert trail[0]["action"] == "contract.created" and trail[0]["actor"] == "priya"
    by_case: dict[int | None, list[dict[str, Any]]] = {}
    for e in trail:
        assert e["contract_id"] == day.contract["id"]
        by_case.setdefault(e["case_id"], []).append(e)
    cases = [day.review, day.hosting, day.casework, day.reporting, day.service_desk, day.exit_case]
    assert set(by_case) == {None, *(c["id"] for c in cases)}
    for case in cases:
        own = desk.pages(priya, f"/api/cases/{case['id']}/events", limit=500)
        assert [e["id"] for e in own] == [e["id"] for e in by_case[case["id"]]]
    contract_changes = [e for e in by_case[None] if e["action"] == "contract.updated"]
    assert contract_changes[0]["details"]["changes"].keys() == {"tier"}
    assert all(e["reason"] for e in contract_changes)
    last_decision = [e for e in trail if e["action"] == MOVED][-1]
    assert (last_decision["case_id"], last_decision["trigger"]) == (day.review["id"], "close")

    # Every decision carries what its transition required (reason, evidence of the right
    # kinds) and every approval is by someone other than its proposer.
    for case in cases:
        _check_decisions(desk, priya, by_case[case["id"]], case["workflow"])
    decisions = {(e["case_id"], e["trigger"]): e for e in trail if e["action"] == MOVED}
    for component in (day.hosting, day.casework, day.reporting, day.service_desk):
        proposal = decisions[(component["id"], "propose_route")]
        approval = decisions[(component["id"], "approve_route")]
        assert proposal["reason"] and approval["reason"]
        assert proposal["details"]["data"]["route"] == component["route"]
        assert approval["actor"] != proposal["actor"]
        assert "senior_responsible_owner" in approval["roles"]
    assert (
        decisions[(day.review["id"], "approve")]["actor"]
        != decisions[(day.review["id"], "submit_for_approval")]["actor"]
    )
    assert (
        decisions[(day.hosting["id"], "award")]["actor"]
        != decisions[(day.hosting["id"], "record_evaluation")]["actor"]
    )
    notice_event = decisions[(day.exit_case["id"], "serve_notice")]
    assert notice_event["details"]["data"] == {"notice_served_date": str(day.served)}
    assert [x["kind"] for x in notice_event["evidence"]] == ["notice_letter"]
    failed = [
        e
        for e in by_case[day.casework["id"]]
        if e["trigger"] == "record_assessment" and e["details"]["data"]["outcome"] == "not_met"
    ]
    assert len(failed) == 1 and failed[0]["to_state"] == "alpha_reassessment"

    verify = desk.get(priya, "/api/audit/verify")
    assert verify["ok"] is True and verify["first_bad"] is None
    assert verify["events"] >= len(trail)
