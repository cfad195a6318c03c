"""The contract's end: the casework service live, the handover, the exit and the closure."""

from __future__ import annotations

from datetime import date

from tests.e2e.desk import CHILDREN_OPEN, Day, advance_to, ev


def exit_the_contract(day: Day) -> None:
    """November 2027 to April 2028: live, handover, termination, exit closed."""
    desk, clock = day.desk, day.clock
    priya, sol, asha, colin = day.priya, day.sol, day.asha, day.colin
    # ---- 10 November 2027: live assessment met; the casework service goes live ---------------
    advance_to(clock, date(2027, 11, 10))
    day.casework = desk.step(
        asha,
        day.casework,
        "record_assessment",
        to="ready_for_live",
        data={"outcome": "met"},
        evidence=[ev("service_assessment_report", "Live service assessment: met")],
    )
    desk.refused(sol, day.casework, "go_live", 422, "transition_blocked", ["evidence_kinds"])
    day.casework = desk.step(
        sol,
        day.casework,
        "go_live",
        to="live",
        evidence=[ev("assurance_gate_approval", "Live assurance gate: spend control approval")],
    )

    # ---- 12 January 2028: the handover --------------------------------------------------------
    advance_to(clock, date(2028, 1, 12))
    day.exit_case = desk.step(priya, day.exit_case, "start_handover", to="handover_in_progress")

    # ---- 31 March 2028: the contract ends ------------------------------------------------------
    advance_to(clock, date(2028, 3, 31))
    ended = clock.today()
    # The replaced lines' handover checklists (Model Services Contract Schedule 8.5) hold
    # the end until every mandatory item is done with evidence.
    desk.refused(
        colin,
        day.exit_case,
        "confirm_termination",
        422,
        "transition_blocked",
        ["handover_checklist_complete"],
        data={"termination_date": str(ended)},
    )
    for line in (day.hosting, day.casework):
        tasks = desk.get(colin, f"/api/cases/{line['id']}/handover-tasks")["items"]
        assert len(tasks) == 5 and {t["status"] for t in tasks} == {"open"}
        for task in tasks:
            res = desk.client.post(
                f"/api/handover-tasks/{task['id']}/complete",
                json={"evidence": [ev("handover_record", f"{task['title']}: done")]},
                headers=colin.headers,
            )
            assert res.status_code == 200, res.text
    day.exit_case = desk.step(
        colin,
        day.exit_case,
        "confirm_termination",
        to="terminated",
        data={"termination_date": str(ended)},
    )
    # Let in 2019, the contract stays under the Public Contracts Regulations 2015 to its end:
    # the Procurement Act 2023's contract termination notice (s.80, UK11) is not owed.
    assert day.exit_case["contract_id"] and not [
        d for d in day.exit_case["deadlines"] if d["kind"] == "termination_notice"
    ]
    # Still open: the exit case is not closed, so the review cannot close yet.
    body = desk.refused(priya, day.review, "close", 422, "transition_blocked", CHILDREN_OPEN)
    assert f"#{day.exit_case['id']}" in body["detail"] and "terminated" in body["detail"]

    # ---- 14 April 2028: lessons learned; a PCR 2015 exit needs no UK11 ------------------------
    clock.advance(days=14)
    day.exit_case = desk.step(
        priya, day.exit_case, "close", to="closed", evidence=[ev("lessons_learned")]
    )
    assert day.exit_case["final"] is True


def close_the_review(day: Day) -> None:
    """The review closes with every line final and the exit closed."""
    desk = day.desk
    priya = day.priya
    # ---- The review closes -----------------------------------------------------------------------
    day.review = desk.step(priya, day.review, "close", to="closed")
    day.review = desk.case(priya, day.review)
    assert day.review["final"] is True
    assert day.review["rollup"]["open"] == 0 and day.review["rollup"]["blocking"] == []
    assert day.review["rollup"]["by_state"] == {
        "new_contract_live": 1,
        "live": 1,
        "decommissioned": 1,
        "extended": 1,
    }
    assert [(c["title"], c["state"], c["route"]) for c in day.review["children"]] == [
        ("Hosting", "new_contract_live", "reprocure"),
        ("Case management application", "live", "build_in_house"),
        ("Legacy reporting", "decommissioned", "decommission"),
        ("Service desk", "extended", "retain_extend"),
        (day.exit_case["title"], "closed", None),
    ]
    day.contract = desk.get(priya, f"/api/contracts/{day.contract['id']}")
    assert {(c["workflow"], c["state"]) for c in day.contract["cases"]} == {
        ("contract_review", "closed"),
        ("service_component", "new_contract_live"),
        ("service_component", "live"),
        ("service_component", "decommissioned"),
        ("service_component", "extended"),
        ("contract_exit", "closed"),
    }
