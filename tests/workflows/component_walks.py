"""Walks of a service component down each delivery route, from identified to final."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from app.engine import WorkflowDefinition
from tests.workflows.walker import ASSESSOR, CL, CM, CONTRACT, PM, SO, SRO, TODAY, Case, ev


def component_to_route_approved(
    defs: dict[str, WorkflowDefinition], route: str, contract: Mapping[str, Any] | None = None
) -> Case:
    case = Case(defs["service_component"], contract=contract)
    assert case.refused("assess", "owen", [SO], data={"users": "caseworkers"}) == {"data_required"}
    case.fire(
        "assess",
        "owen",
        [SO],
        data={
            "users": "2,400 caseworkers in 40 offices",
            "data_assets": "case records (OFFICIAL-SENSITIVE)",
            "dependencies": "identity service; payments contract DWP-IT-0007",
        },
        expect="assessed",
    )
    assert case.refused("propose_route", "owen", [SO], data={"route": "outsource"}) == {
        "data_field_in"
    }
    case.fire("propose_route", "owen", [SO], data={"route": route}, expect="route_proposed")
    assert case.data["route"] == route
    # Four-eyes on the route decision.
    assert case.refused("approve_route", "owen", [SO, SRO]) == {"four_eyes"}
    case.fire("approve_route", "sarah", [SRO], expect="route_approved")
    # Only the start transition of the approved route is open.
    starts = {
        "build_in_house": "start_discovery",
        "insource_operation": "plan_staff_transfer",
        "reprocure": "start_requirements",
        "buy_commodity": "start_shortlisting",
        "retain_extend": "request_extension",
        "decommission": "plan_retirement",
    }
    for other, trigger in starts.items():
        if other != route:
            assert "data_field_in" in case.refused(trigger, "boss", [SO, CL, CM, PM])
    return case


def walk_build_in_house(defs: dict[str, WorkflowDefinition]) -> list[str]:
    case = component_to_route_approved(defs, "build_in_house")
    assert case.refused("start_discovery", "owen", [SO]) == {"evidence_kinds"}
    case.fire(
        "start_discovery", "owen", [SO], evidence=ev("assurance_gate_approval"), expect="discovery"
    )
    case.fire("start_alpha", "owen", [SO], expect="alpha")

    report = ev("service_assessment_report")
    # Only an assessor records an assessment, with the report and an outcome.
    assert "role_required" in case.refused(
        "record_assessment", "owen", [SO], data={"outcome": "met"}, evidence=report
    )
    assert "evidence_kinds" in case.refused(
        "record_assessment", "ada", [ASSESSOR], data={"outcome": "met"}
    )
    assert "data_field_in" in case.refused("record_assessment", "ada", [ASSESSOR], evidence=report)
    # Not met: reassessment in the same phase.
    case.fire(
        "record_assessment",
        "ada",
        [ASSESSOR],
        data={"outcome": "not_met"},
        evidence=report,
        expect="alpha_reassessment",
    )
    case.fire("reassess", "owen", [SO], expect="alpha")
    # Amber passes, with actions due within three months.
    amber = {"outcome": "amber", "amber_actions": "publish accessibility statement"}
    late = {**amber, "amber_actions_due_date": (TODAY + timedelta(days=120)).isoformat()}
    assert "date_within_days" in case.refused(
        "record_assessment", "ada", [ASSESSOR], data=late, evidence=report
    )
    assert "data_required" in case.refused(
        "record_assessment", "ada", [ASSESSOR], data={"outcome": "amber"}, evidence=report
    )
    due = {**amber, "amber_actions_due_date": (TODAY + timedelta(days=90)).isoformat()}
    case.fire(
        "record_assessment", "ada", [ASSESSOR], data=due, evidence=report, expect="private_beta"
    )
    case.fire(
        "record_assessment",
        "ada",
        [ASSESSOR],
        data={"outcome": "not_met"},
        evidence=report,
        expect="private_beta_reassessment",
    )
    case.fire("reassess", "owen", [SO], expect="private_beta")
    case.fire(
        "record_assessment",
        "ada",
        [ASSESSOR],
        data={"outcome": "met"},
        evidence=report,
        expect="public_beta",
    )
    case.fire(
        "record_assessment",
        "ada",
        [ASSESSOR],
        data={"outcome": "not_met"},
        evidence=report,
        expect="public_beta_reassessment",
    )
    case.fire("reassess", "owen", [SO], expect="public_beta")
    case.fire(
        "record_assessment",
        "ada",
        [ASSESSOR],
        data={"outcome": "met"},
        evidence=report,
        expect="ready_for_live",
    )
    assert case.refused("go_live", "owen", [SO]) == {"evidence_kinds"}
    case.fire("go_live", "owen", [SO], evidence=ev("assurance_gate_approval"), expect="live")
    assert case.final
    return case.visited


def walk_reprocure(defs: dict[str, WorkflowDefinition]) -> list[str]:
    case = component_to_route_approved(defs, "reprocure")
    case.fire("start_requirements", "cleo", [CL], expect="defining_requirements")
    case.fire("engage_market", "cleo", [CL], expect="market_engaged")
    assert case.refused("start_tender", "cleo", [CL], data={"procedure": "negotiated"}) == {
        "data_field_in"
    }
    flexible = {"procedure": "competitive_flexible"}
    # An open or competitive flexible procedure starts with its tender notice (UK4).
    assert case.refused("start_tender", "cleo", [CL], data=flexible) == {"evidence_kinds"}
    case.fire(
        "start_tender",
        "cleo",
        [CL],
        data=flexible,
        evidence=ev("tender_notice"),
        expect="tendering",
    )
    case.fire(
        "record_evaluation",
        "cleo",
        [CL],
        evidence=ev("evaluation_report"),
        expect="tenders_evaluated",
    )
    # Published on Friday 16 January 2026: PA 2023 s.51(2), eight working days beginning with
    # the day of publication, so the standstill runs to the end of Tuesday 27th.
    published = {"award_notice_date": "2026-01-16"}
    # The evaluator may not award.
    notice = ev("award_notice")
    assert case.refused("award", "cleo", [CL], data=published, evidence=notice) == {"four_eyes"}
    assert case.refused("award", "sarah", [SRO]) == {"evidence_kinds", "date_not_after"}
    case.fire(
        "award", "sarah", [SRO], data=published, evidence=ev("award_notice"), expect="awarded"
    )
    future = {"contract_signed_date": (TODAY + timedelta(days=1)).isoformat()}
    assert case.refused("sign_contract", "cleo", [CL], data=future) == {"date_not_after"}
    early = {"contract_signed_date": "2026-01-27"}
    assert case.refused("sign_contract", "cleo", [CL], data=early) == {"after_working_days"}
    signed = date(2026, 1, 28)
    verdict = case.fire(
        "sign_contract",
        "cleo",
        [CL],
        data={"contract_signed_date": signed.isoformat()},
        expect="contracted",
    )
    assert [(a.name, dict(a.params)) for a in verdict.actions] == [
        (
            "schedule_deadline",
            {
                "kind": "contract_details_notice",
                "days_from_now": 29,
                "from_field": "contract_signed_date",
                "met_by": "mobilise",
            },
        )
    ]
    # PA 2023 s.53(1): within the 30 days beginning with signature, so day + 29 at the latest.
    late = {"contract_details_notice_date": (signed + timedelta(days=30)).isoformat()}
    notice = ev("contract_details_notice")
    assert case.refused("mobilise", "cam", [CM], data=late, evidence=notice) == {"date_within_days"}
    on_time = {"contract_details_notice_date": (signed + timedelta(days=29)).isoformat()}
    assert case.refused("mobilise", "cam", [CM], data=on_time) == {"evidence_kinds"}
    case.fire("mobilise", "cam", [CM], data=on_time, evidence=notice, expect="mobilised")
    case.fire("go_live", "owen", [SO], expect="new_contract_live")
    assert case.final
    return case.visited


def walk_buy_commodity(defs: dict[str, WorkflowDefinition]) -> list[str]:
    case = component_to_route_approved(defs, "buy_commodity")
    assert "data_required" in case.refused("start_shortlisting", "cleo", [CL])
    case.fire(
        "start_shortlisting", "cleo", [CL], data={"framework": "G-Cloud 14"}, expect="shortlisted"
    )
    case.fire(
        "evaluate_shortlist",
        "cleo",
        [CL],
        evidence=ev("evaluation_report"),
        expect="shortlist_evaluated",
    )
    assert case.refused("call_off", "cleo", [CL]) == {"evidence_kinds"}
    case.fire("call_off", "cleo", [CL], evidence=ev("call_off_contract"), expect="called_off")
    case.fire("start_migration", "owen", [SO], expect="migrating")
    case.fire("go_live", "owen", [SO], expect="commodity_live")
    assert case.final
    return case.visited


def walk_retain_extend(defs: dict[str, WorkflowDefinition]) -> list[str]:
    case = component_to_route_approved(defs, "retain_extend")
    base = {
        "justification": "no viable alternative before the data centre closes",
        "new_value": 10_500_000,
    }
    # Later than the contract's latest possible end: refused.
    beyond = {**base, "new_end_date": "2027-10-31"}
    assert case.refused("request_extension", "cam", [CM], data=beyond) == {"date_not_after"}
    # Before the current end date is not an extension.
    earlier = {**base, "new_end_date": "2026-06-30"}
    assert case.refused("request_extension", "cam", [CM], data=earlier) == {"date_not_before"}
    assert case.refused("request_extension", "cam", [CM], data={"new_end_date": "2027-03-31"}) == {
        "data_required"
    }
    # More than 10% more value needs a contract change notice.
    big = {**base, "new_end_date": "2027-03-31", "new_value": 11_500_000}
    assert case.refused("request_extension", "cam", [CM], data=big) == {
        "value_change_needs_evidence"
    }
    assert case.check(
        "request_extension",
        "cam",
        [CM],
        data={**big, "new_value": 11_000_000},
    ).allowed  # exactly 10%: no notice needed
    case.fire(
        "request_extension",
        "cam",
        [CM],
        data=big,
        evidence=ev("contract_change_notice"),
        expect="extension_requested",
    )
    # Sent back once, then resubmitted.
    case.fire("return_extension", "sarah", [SRO], expect="route_approved")
    case.fire(
        "request_extension",
        "cam",
        [CM, SRO],
        data=big,
        evidence=ev("contract_change_notice"),
        expect="extension_requested",
    )
    # Four-eyes: the author of the case may not approve it.
    assert case.refused("approve_extension", "cam", [CM, SRO]) == {"four_eyes"}
    # The limit is re-checked at approval (the contract may have changed since).
    case.contract["max_end_date"] = date(2027, 1, 31)
    assert case.refused("approve_extension", "sarah", [SRO]) == {"date_not_after"}
    case.contract["max_end_date"] = CONTRACT["max_end_date"]
    case.fire("approve_extension", "sarah", [SRO], expect="extension_approved")
    assert case.refused("record_extension", "cam", [CM]) == {"evidence_kinds"}
    case.fire("record_extension", "cam", [CM], evidence=ev("contract_variation"), expect="extended")
    assert case.final
    return case.visited


def walk_decommission(defs: dict[str, WorkflowDefinition]) -> list[str]:
    case = component_to_route_approved(defs, "decommission")
    after_end = {"planned_switch_off_date": "2026-10-31"}
    assert case.refused("plan_retirement", "owen", [SO], data=after_end) == {"date_not_after"}
    case.fire(
        "plan_retirement",
        "owen",
        [SO],
        data={"planned_switch_off_date": "2026-08-31"},
        expect="retirement_planned",
    )
    case.fire("confirm_users_migrated", "owen", [SO], expect="users_migrated")
    assert case.refused("archive_data", "owen", [SO]) == {"evidence_kinds"}
    case.fire(
        "archive_data", "owen", [SO], evidence=ev("data_archive_record"), expect="data_archived"
    )
    case.fire("switch_off", "owen", [SO], expect="switched_off")
    case.fire(
        "confirm_decommissioned",
        "cam",
        [CM],
        evidence=ev("data_destruction_certificate"),
        expect="decommissioned",
    )
    assert case.final
    return case.visited


def walk_insource_operation(defs: dict[str, WorkflowDefinition]) -> list[str]:
    """An operation taken in-house: TUPE 2006 regs. 3, 11 and 13, cutover and hypercare."""
    case = component_to_route_approved(defs, "insource_operation")
    assert "data_field_in" in case.refused("start_discovery", "owen", [SO], evidence=[])
    after_end = {"staff_transfer_date": "2026-10-01"}  # the contract ends 2026-09-30
    assert case.refused("plan_staff_transfer", "owen", [SO], data=after_end) == {"date_not_after"}
    verdict = case.fire(
        "plan_staff_transfer",
        "owen",
        [SO],
        data={"staff_transfer_date": "2026-06-01"},
        expect="staff_transfer_planned",
    )
    # TUPE 2006 reg. 11(6): the information is owed 28 days before the transfer.
    (schedule,) = [a for a in verdict.actions if a.name == "schedule_deadline"]
    assert dict(schedule.params)["days_from_now"] == -28
    assert dict(schedule.params)["kind"] == "employee_liability_information"
    assert case.refused(
        "record_employee_liability_information",
        "owen",
        [SO],
        data={"eli_received_date": "2026-03-01"},
    ) == {"evidence_kinds"}
    case.fire(
        "record_employee_liability_information",
        "owen",
        [SO],
        data={"eli_received_date": "2026-03-01"},
        evidence=ev("employee_liability_information"),
        expect="staff_consultation",
    )
    transferred = {"staff_transferred_date": "2026-03-02"}
    assert case.refused(
        "transfer_staff", "owen", [SO], data=transferred, evidence=ev("staff_transfer_record")
    ) == {"evidence_kinds"}  # the consultation (reg. 13) is recorded too
    case.fire(
        "transfer_staff",
        "owen",
        [SO],
        data=transferred,
        evidence=ev("staff_transfer_record", "staff_consultation_record"),
        expect="knowledge_transfer",
    )
    case.fire(
        "start_parallel_running",
        "owen",
        [SO],
        evidence=ev("knowledge_transfer_record"),
        expect="parallel_running",
    )
    cutover = {"cutover_date": "2026-03-02"}
    assert case.refused("cut_over", "owen", [SO], data=cutover, evidence=ev("cutover_plan")) == {
        "evidence_kinds"
    }  # no cutover without rollback criteria
    both = ev("cutover_plan", "rollback_criteria")
    case.fire("cut_over", "owen", [SO], data=cutover, evidence=both, expect="hypercare")
    case.fire("roll_back", "owen", [SO], reason="error rate over 2%", expect="parallel_running")
    case.fire("cut_over", "owen", [SO], data=cutover, evidence=both, expect="hypercare")
    case.fire(
        "go_live", "owen", [SO], evidence=ev("hypercare_exit_report"), expect="operation_live"
    )
    assert case.final
    return case.visited


# Every route's walk, for the test that the walks together visit every state.
ROUTE_WALKS = (
    walk_build_in_house,
    walk_insource_operation,
    walk_reprocure,
    walk_buy_commodity,
    walk_retain_extend,
    walk_decommission,
)
