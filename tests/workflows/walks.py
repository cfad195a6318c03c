"""Walks of a contract review and a contract exit through their definitions, start to end."""

from __future__ import annotations

from datetime import timedelta

from app.engine import WorkflowDefinition
from tests.workflows.walker import CL, CM, CONTRACT, PM, SRO, TODAY, Case, child, ev


def walk_review(defs: dict[str, WorkflowDefinition]) -> list[str]:
    case = Case(defs["contract_review"])
    components = [
        child("service_component", "identified", final=False),
        child("service_component", "identified", final=False),
    ]

    case.contract["tier"] = None
    assert case.refused("triage", "pat", [PM]) == {"contract_field_present"}
    case.contract["tier"] = 2
    case.fire("triage", "pat", [PM], expect="triaged")
    case.fire("start_review", "cam", [CM], expect="under_review")

    # Needs both kinds of evidence and at least one component.
    assert case.refused("record_decomposition", "pat", [PM], evidence=ev("contract_documents")) == {
        "evidence_required",
        "evidence_kinds",
        "has_children",
    }
    case.children = components
    case.fire(
        "record_decomposition",
        "pat",
        [PM],
        evidence=ev("contract_documents", "spend_analysis"),
        expect="decomposed",
    )
    assert case.refused("appraise_options", "cleo", [CL], evidence=ev("should_cost_model")) >= {
        "evidence_kinds"
    }
    case.fire(
        "appraise_options",
        "cleo",
        [CL],
        evidence=ev("delivery_model_assessment", "should_cost_model"),
        expect="options_appraised",
    )

    # Every component needs a proposed route before it goes to the SRO.
    assert case.refused("submit_for_approval", "pat", [PM]) == {"children_have"}
    components[0].update(state="route_proposed", route="reprocure", data={"route": "reprocure"})
    components[1].update(state="route_proposed", data={"route": "build_in_house"})
    case.fire("submit_for_approval", "pat", [PM, SRO], expect="awaiting_approval")

    # Send it back once, then resubmit.
    case.fire("return_to_options", "sarah", [SRO], reason="price the hosting option again")
    assert case.state == "decomposed"
    case.fire(
        "appraise_options",
        "cleo",
        [CL],
        evidence=ev("delivery_model_assessment", "should_cost_model"),
    )
    case.fire("submit_for_approval", "pat", [PM, SRO], expect="awaiting_approval")

    # Proposed is not approved: every open component's route must be approved first.
    assert case.refused("approve", "sarah", [SRO]) == {"open_children_in_state"}
    for component in components:
        component["state"] = "route_approved"
    # Four-eyes: the submitter may not approve, even holding the SRO role.
    assert case.refused("approve", "pat", [PM, SRO]) == {"four_eyes"}
    assert case.check("approve", "pat", [PM, SRO]).status == "forbidden"
    assert case.refused("approve", "cleo", [CL]) == {"role_required"}
    assert case.refused("approve", "sarah", [SRO], reason=" ") == {"reason_required"}
    verdict = case.fire("approve", "sarah", [SRO], expect="approved")
    assert [(a.name, dict(a.params)) for a in verdict.actions] == [
        ("open_case", {"workflow": "contract_exit", "as_child": True})
    ]
    exit_case = child("contract_exit", "exit_planning", final=False)
    case.children = [*components, exit_case]

    case.fire("start_transition", "pat", [PM], expect="in_transition")

    # Closing needs every child final and the exit closed.
    assert case.refused("close", "pat", [PM]) == {"all_children_final", "child_in_state"}
    components[0].update(state="new_contract_live", final=True)
    components[1].update(state="live", final=True)
    exit_case.update(state="terminated", final=False)
    assert case.refused("close", "pat", [PM]) == {"all_children_final", "child_in_state"}
    exit_case.update(state="closed", final=True)
    case.fire("close", "sarah", [SRO], expect="closed")
    assert case.final
    return case.visited


def walk_exit(
    defs: dict[str, WorkflowDefinition], *, serve: bool, regime: str = "pa2023"
) -> list[str]:
    case = Case(defs["contract_exit"], contract={**CONTRACT, "regime": regime})
    assert case.refused("agree_exit_plan", "cam", [CM]) == {"evidence_kinds"}
    case.fire(
        "agree_exit_plan", "cam", [CM], evidence=ev("supplier_exit_plan"), expect="notice_due"
    )
    if serve:
        served = {"notice_served_date": (TODAY - timedelta(days=1)).isoformat()}
        assert case.refused(
            "serve_notice", "cam", [CM], data=served, evidence=ev("notice_letter")
        ) == {"role_required"}
        assert case.refused("serve_notice", "sarah", [SRO], evidence=ev("notice_letter")) == {
            "date_not_after"
        }
        assert case.refused("serve_notice", "sarah", [SRO], data=served) == {"evidence_kinds"}
        case.fire(
            "serve_notice",
            "sarah",
            [SRO],
            data=served,
            evidence=ev("notice_letter"),
            expect="notice_served",
        )
    else:
        assert case.refused("run_to_expiry", "sarah", [SRO], reason=None) == {"reason_required"}
        case.fire("run_to_expiry", "sarah", [SRO], expect="running_to_expiry")
        # The decision may change while notice can still be served.
        case.contract["notice_deadline"] = TODAY - timedelta(days=1)
        assert case.refused("reconsider_notice", "sarah", [SRO]) == {"date_not_after"}
        case.contract["notice_deadline"] = TODAY
        case.fire("reconsider_notice", "sarah", [SRO], expect="notice_due")
        case.fire("run_to_expiry", "sarah", [SRO], expect="running_to_expiry")
    case.fire("start_exit_period", "cam", [CM], expect="exit_period")
    case.fire("start_handover", "pat", [PM], expect="handover_in_progress")
    ended = TODAY - timedelta(days=10)
    # The contract ends once every service line is off it (switched off counts).
    mobilised = child("service_component", "mobilised", final=False, route="reprocure")
    switched_off = child("service_component", "switched_off", final=False, route="decommission")
    case.parent = {"id": 9, "workflow": "contract_review", "state": "in_transition"}
    case.parent["children"] = [mobilised, switched_off, {"id": 1, "workflow": "contract_exit"}]
    assert case.refused(
        "confirm_termination", "cam", [CM], data={"termination_date": ended.isoformat()}
    ) == {"open_siblings_in_state"}
    mobilised.update(state="new_contract_live", final=True)
    verdict = case.fire(
        "confirm_termination",
        "cam",
        [CM],
        data={"termination_date": ended.isoformat()},
        expect="terminated",
    )
    assert [(a.name, dict(a.params)) for a in verdict.actions] == [
        (
            "schedule_deadline",
            {
                "kind": "termination_notice",
                "days_from_now": 29,
                "from_field": "termination_date",
                "met_by": "close",
            },
        ),
        ("recompute_contract_deadlines", {}),
    ]
    if regime != "pa2023":
        # PA 2023 s.80 binds contracts awarded under the Act: a PCR 2015 contract's exit
        # closes on its lessons learned, with no UK11 to attach or date.
        case.fire("close", "cam", [CM], evidence=ev("lessons_learned"), expect="closed")
        return case.visited
    both = ev("termination_notice", "lessons_learned")
    # PA 2023 s.80(1): the 30 days begin with the termination date; day + 30 is late.
    late = {"termination_notice_date": (ended + timedelta(days=30)).isoformat()}
    assert case.refused("close", "cam", [CM], data=late, evidence=both) == {"date_within_days"}
    on_time = {"termination_notice_date": (ended + timedelta(days=20)).isoformat()}
    assert case.refused("close", "cam", [CM], data=on_time, evidence=both[:1]) == {"evidence_kinds"}
    case.fire("close", "cam", [CM], data=on_time, evidence=both, expect="closed")
    assert case.final
    return case.visited
