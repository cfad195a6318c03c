"""The months that follow, on the injected clock: each route delivered and the exit served."""

from __future__ import annotations

from datetime import date, timedelta

from tests.e2e.desk import Day, advance_to, ev


def start_every_route(day: Day) -> None:
    """2 December 2026: work starts on every route; the extension is recorded."""
    desk, clock = day.desk, day.clock
    priya, sam, chen, sol, colin = day.priya, day.sam, day.chen, day.sol, day.colin

    # ---- 2 December 2026: work starts on every route ------------------------------------------
    clock.advance(days=7)
    day.casework = desk.step(
        sol,
        day.casework,
        "start_discovery",
        to="discovery",
        evidence=[
            ev("assurance_gate_approval", "Discovery assurance gate: spend control approval")
        ],
    )
    day.hosting = desk.step(chen, day.hosting, "start_requirements", to="defining_requirements")
    day.reporting = desk.step(
        sol,
        day.reporting,
        "plan_retirement",
        to="retirement_planned",
        data={"planned_switch_off_date": "2027-06-30"},
    )

    # The extension: the first request runs past the contract's latest possible end. It is
    # refused with a 422 naming the limit; the case does not move (desk.refused checks both).
    extension = {
        "justification": "The service desk must run until the new hosting supplier's desk "
        "is live; re-procuring it alone for six months is poor value.",
        "new_value": "51500000.00",
    }
    body = desk.refused(
        colin,
        day.service_desk,
        "request_extension",
        422,
        "transition_blocked",
        ["date_not_after"],
        data={**extension, "new_end_date": "2028-09-30"},
    )
    assert "max end date" in body["detail"] and "2028-03-31" in body["detail"]
    day.service_desk = desk.step(
        colin,
        day.service_desk,
        "request_extension",
        to="extension_requested",
        data={**extension, "new_end_date": "2028-03-31"},
    )
    desk.refused(
        colin,
        day.service_desk,
        "approve_extension",
        403,
        "four_eyes",
        ["role_required", "four_eyes"],
        reason="Within the option",
    )
    day.service_desk = desk.step(
        sam,
        day.service_desk,
        "approve_extension",
        to="extension_approved",
        reason="Six months within the contract's extension option; value change under 10%.",
    )
    day.service_desk = desk.step(
        colin,
        day.service_desk,
        "record_extension",
        to="extended",
        evidence=[ev("contract_variation")],
    )
    assert day.service_desk["final"] is True
    # Recording the signed variation moves the contract's end date and value and uses up its
    # extension option, in the same request; nobody edits the contract by hand.
    stale = day.contract["version"]
    day.contract = desk.get(priya, f"/api/contracts/{day.contract['id']}")
    assert day.contract["version"] == stale + 1
    assert day.contract["end_date"] == "2028-03-31" and day.contract["extension_options"] == []
    assert day.contract["value"] == {"amount": "51500000.00", "currency": "GBP"}
    notice = [d["date"] for d in day.contract["deadlines"] if d["kind"] == "notice"]
    assert notice == [str(date(2028, 3, 31) - timedelta(days=180))]
    (variation,) = desk.pages(
        priya, "/api/audit/events", contract_id=day.contract["id"], action="contract.updated"
    )[-1:]
    assert variation["actor"] == "colin" and variation["at"] == desk.last_event["at"]
    assert variation["details"]["case_id"] == day.service_desk["id"]
    assert variation["details"]["changes"]["end_date"] == {
        "before": "2027-09-30",
        "after": "2028-03-31",
    }


def alpha_and_tender(day: Day) -> None:
    """January to early April 2027: alpha, the call-off competition, evaluation."""
    desk, clock = day.desk, day.clock
    chen, sol, asha = day.chen, day.sol, day.asha
    # ---- 13 January 2027: alpha; market engagement --------------------------------------------
    clock.advance(days=42)
    day.casework = desk.step(sol, day.casework, "start_alpha", to="alpha")
    day.hosting = desk.step(chen, day.hosting, "engage_market", to="market_engaged")

    # ---- 10 February 2027: the call-off competition opens -------------------------------------
    clock.advance(days=28)
    body = desk.refused(
        chen,
        day.hosting,
        "start_tender",
        422,
        "transition_blocked",
        ["data_field_in"],
        data={"procedure": "restricted"},
    )
    assert "framework_call_off" in body["detail"]
    day.hosting = desk.step(
        chen, day.hosting, "start_tender", to="tendering", data={"procedure": "framework_call_off"}
    )

    # ---- 7 April 2027: the alpha assessment is not met; tenders are evaluated ----------------
    clock.advance(days=56)
    day.casework = desk.step(
        asha,
        day.casework,
        "record_assessment",
        to="alpha_reassessment",
        data={"outcome": "not_met"},
        evidence=[ev("service_assessment_report", "Alpha service assessment: not met")],
    )
    day.hosting = desk.step(
        chen,
        day.hosting,
        "record_evaluation",
        to="tenders_evaluated",
        evidence=[ev("evaluation_report")],
    )


def award_and_mobilise(day: Day) -> None:
    """21 to 30 April 2027: reassessment passes; award, signature, the UK7."""
    desk, clock = day.desk, day.clock
    priya, dana, chen, sol, asha, colin = (
        day.priya,
        day.dana,
        day.chen,
        day.sol,
        day.asha,
        day.colin,
    )
    # ---- 21 April 2027: reassessment passes; the award, four-eyes; the contract is signed ----
    clock.advance(days=14)
    desk.refused(
        asha, day.casework, "reassess", 403, "role_required", ["role_required"]
    )  # only the team says it is ready
    day.casework = desk.step(sol, day.casework, "reassess", to="alpha")
    day.casework = desk.step(
        asha,
        day.casework,
        "record_assessment",
        to="private_beta",
        data={"outcome": "met"},
        evidence=[ev("service_assessment_report", "Alpha service reassessment: met")],
    )
    desk.refused(
        chen,
        day.hosting,
        "award",
        403,
        "four_eyes",
        ["four_eyes"],
        reason="Highest scoring tender",
        data={"award_notice_date": str(clock.today())},
        evidence=[ev("award_notice")],
    )
    day.hosting = desk.step(
        dana,
        day.hosting,
        "award",
        to="awarded",
        reason="Highest scoring tender on quality and price (62/38 weighting).",
        data={"award_notice_date": str(clock.today())},
        evidence=[ev("award_notice")],
    )
    # A call-off under a framework: the standstill is voluntary, so it is signed the same day.
    signed = clock.today()
    assert signed == date(2027, 4, 21)
    desk.refused(
        colin,
        day.hosting,
        "sign_contract",
        422,
        "transition_blocked",
        ["date_not_after"],
        data={"contract_signed_date": str(signed + timedelta(days=7))},
    )
    day.hosting = desk.step(
        colin,
        day.hosting,
        "sign_contract",
        to="contracted",
        data={"contract_signed_date": str(signed)},
    )
    due = [d for d in day.hosting["deadlines"] if d["kind"] == "contract_details_notice"]
    # PA 2023 s.53(1): within the 30 days beginning with signature, so by signature + 29.
    assert [(d["date"], d["status"]) for d in due] == [
        (str(signed + timedelta(days=29)), "pending")
    ]

    # ---- 30 April 2027: the UK7 is published and the new supplier mobilised -------------------
    clock.advance(days=9)
    day.hosting = desk.step(
        colin,
        day.hosting,
        "mobilise",
        to="mobilised",
        data={"contract_details_notice_date": str(clock.today())},
        evidence=[ev("contract_details_notice")],
    )
    # Publishing the UK7 meets the deadline: its reminders stop, and the audit trail says who.
    due = [d for d in day.hosting["deadlines"] if d["kind"] == "contract_details_notice"]
    assert [d["status"] for d in due] == ["met"]
    met = desk.pages(priya, "/api/audit/events", case_id=day.hosting["id"], action="deadline.met")
    assert [(e["actor"], e["details"]["kind"]) for e in met] == [
        ("colin", "contract_details_notice")
    ]


def retire_and_serve_notice(day: Day) -> None:
    """May to September 2027: reporting retired, the SRO serves notice."""
    desk, clock = day.desk, day.clock
    sam, sol, asha, colin = day.sam, day.sol, day.asha, day.colin
    # ---- 30 May 2027: reporting users have moved to the MI platform ---------------------------
    clock.advance(days=30)
    day.reporting = desk.step(sol, day.reporting, "confirm_users_migrated", to="users_migrated")

    # ---- 30 June 2027: hosting live on the new contract; reporting archived and switched off -
    clock.advance(days=31)
    day.hosting = desk.step(sol, day.hosting, "go_live", to="new_contract_live")
    day.reporting = desk.step(
        colin,
        day.reporting,
        "archive_data",
        to="data_archived",
        evidence=[ev("data_archive_record")],
    )
    day.reporting = desk.step(sol, day.reporting, "switch_off", to="switched_off")

    # ---- 14 July 2027: beta assessment met; the supplier certifies data destruction ----------
    clock.advance(days=14)
    day.casework = desk.step(
        asha,
        day.casework,
        "record_assessment",
        to="public_beta",
        data={"outcome": "met"},
        evidence=[ev("service_assessment_report", "Beta service assessment: met")],
    )
    day.reporting = desk.step(
        colin,
        day.reporting,
        "confirm_decommissioned",
        to="decommissioned",
        evidence=[ev("data_destruction_certificate")],
    )

    # ---- 15 September 2027: the SRO serves notice, before the notice deadline ----------------
    advance_to(clock, date(2027, 9, 15))
    day.served = clock.today()
    assert day.served <= date(2028, 3, 31) - timedelta(days=180)
    desk.refused(
        sam,
        day.exit_case,
        "serve_notice",
        422,
        "transition_blocked",
        ["date_not_after"],
        reason="Exit on the extended end date",
        data={"notice_served_date": str(day.served + timedelta(days=1))},
        evidence=[ev("notice_letter")],
    )
    day.exit_case = desk.step(
        sam,
        day.exit_case,
        "serve_notice",
        to="notice_served",
        reason="Every service line has a new home; exit on the extended end date.",
        data={"notice_served_date": str(day.served)},
        evidence=[ev("notice_letter")],
    )
    day.exit_case = desk.step(colin, day.exit_case, "start_exit_period", to="exit_period")
