"""The shipped workflow definitions (workflows/*.yaml), walked through the pure engine.

No database: each walk keeps the case's state, data and trigger history itself, the way
the case service does (data merged after a transition, set_case_field applied on entry).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.engine import (
    GuardContext,
    Verdict,
    WorkflowDefinition,
    check_directory,
    evaluate,
    load_directory,
)

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
TODAY = date(2026, 3, 2)

PM = "programme_manager"
SO = "service_owner"
CL = "commercial_lead"
CM = "contract_manager"
SRO = "senior_responsible_owner"
ASSESSOR = "assessor"
ROUTES = (
    "build_in_house",
    "insource_operation",
    "reprocure",
    "buy_commodity",
    "retain_extend",
    "decommission",
)

CONTRACT: dict[str, Any] = {
    "reference": "DWP-IT-0042",
    "title": "End-user computing and hosting",
    "tier": 2,
    "start_date": date(2021, 4, 1),
    "end_date": date(2026, 9, 30),
    "max_end_date": date(2027, 9, 30),
    "value": {"amount": 10_000_000, "currency": "GBP"},
    "notice_period_days": 180,
}


@pytest.fixture(scope="module")
def defs() -> dict[str, WorkflowDefinition]:
    return load_directory(WORKFLOWS)


def ev(*kinds: str) -> list[dict[str, Any]]:
    """Evidence items, one per kind."""
    return [
        {"title": k.replace("_", " "), "url": f"https://docs.example.gov.uk/{k}", "kind": k}
        for k in kinds
    ]


def codes(verdict: Verdict) -> set[str]:
    return {b.code for b in verdict.blocked_by}


class Case:
    """A case walked through a definition as the case service would."""

    def __init__(
        self,
        defn: WorkflowDefinition,
        *,
        data: Mapping[str, Any] | None = None,
        contract: Mapping[str, Any] | None = None,
    ) -> None:
        self.defn = defn
        self.state = defn.initial
        self.data: dict[str, Any] = dict(data or {})
        self.contract = dict(CONTRACT if contract is None else contract)
        self.history: dict[str, str] = {}
        self.children: list[dict[str, Any]] = []
        self.visited = [self.state]
        # A component's contract review, approved unless a test says otherwise.
        self.parent: dict[str, Any] | None = (
            {"id": 9, "workflow": "contract_review", "state": "approved"}
            if defn.name == "service_component"
            else None
        )

    def ctx(
        self,
        actor: str,
        roles: Iterable[str],
        *,
        data: Mapping[str, Any] | None = None,
        evidence: Sequence[Mapping[str, Any]] = (),
        reason: str | None = "recorded in the programme board minutes",
    ) -> GuardContext:
        return GuardContext(
            actor=actor,
            roles=frozenset(roles),
            today=TODAY,
            case={
                "id": 1,
                "state": self.state,
                "data": self.data,
                "route": self.data.get("route"),
                "workflow": self.defn.name,
                "final": self.defn.is_final(self.state),
                **({"parent": self.parent} if self.parent is not None else {}),
            },
            contract=self.contract,
            children=self.children,
            data=dict(data or {}),
            evidence=evidence,
            reason=reason,
            history=self.history,
        )

    def check(self, trigger: str, actor: str, roles: Iterable[str], **kw: Any) -> Verdict:
        return evaluate(self.defn, self.state, trigger, self.ctx(actor, roles, **kw))

    def fire(
        self,
        trigger: str,
        actor: str,
        roles: Iterable[str],
        *,
        expect: str | None = None,
        **kw: Any,
    ) -> Verdict:
        verdict = self.check(trigger, actor, roles, **kw)
        assert verdict.allowed, (self.state, trigger, verdict.blocked_by)
        assert verdict.dest is not None
        if expect is not None:
            assert verdict.dest == expect, (self.state, trigger, verdict.dest)
        self.state = verdict.dest
        self.data.update(kw.get("data") or {})
        for action in verdict.actions:
            if action.name == "set_case_field":
                self.data[action.params["field"]] = action.params["value"]
            if action.name == "clear_case_fields":
                for name in action.params["fields"]:
                    self.data.pop(name, None)
        self.history[trigger] = actor
        self.visited.append(self.state)
        return verdict

    def refused(self, trigger: str, actor: str, roles: Iterable[str], **kw: Any) -> set[str]:
        verdict = self.check(trigger, actor, roles, **kw)
        assert not verdict.allowed, (self.state, trigger)
        return codes(verdict)

    @property
    def final(self) -> bool:
        return self.defn.is_final(self.state)


def child(workflow: str, state: str, *, final: bool, route: str | None = None) -> dict[str, Any]:
    return {
        "id": 100,
        "workflow": workflow,
        "state": state,
        "final": final,
        "route": route,
        "data": {"route": route} if route else {},
    }


# --- the definitions load -------------------------------------------------------------


def test_directory_has_no_problems() -> None:
    assert check_directory(WORKFLOWS) == []


def test_three_definitions(defs: dict[str, WorkflowDefinition]) -> None:
    assert set(defs) == {"contract_review", "service_component", "contract_exit"}
    for defn in defs.values():
        assert defn.label == "1"
        assert defn.title and defn.description
        for state in defn.states.values():
            assert state.title and state.description, (defn.name, state.name)
        for t in defn.transitions:
            assert t.title, (defn.name, t.trigger)


def test_viewer_can_do_nothing(defs: dict[str, WorkflowDefinition]) -> None:
    for defn in defs.values():
        for t in defn.transitions:
            assert "viewer" not in t.roles and "admin" not in t.roles, (defn.name, t.trigger)


@pytest.mark.parametrize("name", ["contract_review", "service_component", "contract_exit"])
def test_every_state_reachable_and_a_final_state_reachable_from_each(
    defs: dict[str, WorkflowDefinition], name: str
) -> None:
    defn = defs[name]

    def reach(start: str) -> set[str]:
        seen, frontier = {start}, [start]
        while frontier:
            here = frontier.pop()
            for t in defn.transitions:
                if here in t.sources and t.dest not in seen:
                    seen.add(t.dest)
                    frontier.append(t.dest)
        return seen

    assert reach(defn.initial) == set(defn.states)
    for state in defn.states:
        assert any(defn.is_final(s) for s in reach(state)), state


# --- stopping from anywhere -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "trigger", "dest"),
    [
        ("contract_review", "withdraw", "withdrawn"),
        ("service_component", "cancel", "cancelled"),
        ("contract_exit", "cancel", "cancelled"),
    ],
)
def test_stop_from_every_non_final_state(
    defs: dict[str, WorkflowDefinition], name: str, trigger: str, dest: str
) -> None:
    defn = defs[name]
    open_states = [s for s in defn.states if not defn.is_final(s)]
    assert open_states
    for state in open_states:
        case = Case(defn)
        case.state = state
        ok = case.fire(trigger, "sro", [SRO], reason="the programme is re-scoped")
        assert ok.dest == dest and defn.is_final(dest)
        # The system (which holds every role) cancels children with the parent's reason.
        case.state = state
        assert case.check(trigger, "system", ["admin", SRO], reason="parent withdrawn").allowed
        case.state = state
        assert case.refused(trigger, "sro", [SRO], reason=None) == {"reason_required"}
        assert case.refused(trigger, "pm", [PM]) == {"role_required"}
    for state in defn.states:
        if defn.is_final(state):
            case = Case(defn)
            case.state = state
            assert case.check(trigger, "sro", [SRO]).status == "invalid_transition"


def test_withdrawing_a_review_cancels_its_open_children(
    defs: dict[str, WorkflowDefinition],
) -> None:
    withdrawn = defs["contract_review"].states["withdrawn"]
    assert [a.name for a in withdrawn.on_enter] == ["cancel_open_children"]


# --- contract_review ------------------------------------------------------------------


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


def test_review_intake_to_closed(defs: dict[str, WorkflowDefinition]) -> None:
    visited = walk_review(defs)
    assert visited[0] == "intake" and visited[-1] == "closed"


def test_review_approval_guard_sees_children(defs: dict[str, WorkflowDefinition]) -> None:
    case = Case(defs["contract_review"])
    case.state = "awaiting_approval"
    case.history["submit_for_approval"] = "pat"
    assert case.refused("approve", "sarah", [SRO]) == {"has_children"}
    case.children = [
        child("service_component", "route_proposed", final=False, route="decommission"),
        child("service_component", "assessed", final=False),
    ]
    blocked = case.check("approve", "sarah", [SRO])
    assert codes(blocked) == {"children_have", "open_children_in_state"}
    assert "#100" in blocked.blocked_by[0].detail
    case.children[1]["route"] = "buy_commodity"
    assert codes(case.check("approve", "sarah", [SRO])) == {"open_children_in_state"}
    for component in case.children:
        component["state"] = "route_approved"
    assert case.check("approve", "sarah", [SRO]).dest == "approved"


def test_review_hold_and_resume_returns_to_the_stage(
    defs: dict[str, WorkflowDefinition],
) -> None:
    defn = defs["contract_review"]
    # Paused at intake (no stage recorded yet): resumes at intake.
    case = Case(defn)
    case.fire("put_on_hold", "sarah", [SRO], expect="on_hold")
    case.fire("resume", "sarah", [SRO], expect="intake")
    # Paused later: resumes where it was.
    case.fire("triage", "pat", [PM])
    case.fire("start_review", "pat", [PM])
    assert case.data["stage"] == "under_review"
    assert case.refused("put_on_hold", "pat", [PM]) == {"role_required"}
    assert case.refused("put_on_hold", "sarah", [SRO], reason="") == {"reason_required"}
    case.fire("put_on_hold", "sarah", [SRO], expect="on_hold")
    case.fire("resume", "sarah", [SRO], expect="under_review")
    # From every stage that can be paused.
    for stage in defn.states:
        if stage in {"on_hold", "approved"} or defn.is_final(stage):
            continue
        case = Case(defn)
        case.state = stage
        if stage != "intake":
            case.data["stage"] = stage
        case.fire("put_on_hold", "sarah", [SRO], expect="on_hold")
        case.fire("resume", "sarah", [SRO], expect=stage)
    # Withdrawn while on hold.
    case.fire("put_on_hold", "sarah", [SRO])
    case.fire("withdraw", "sarah", [SRO], expect="withdrawn")


def test_review_cannot_pause_at_approved(defs: dict[str, WorkflowDefinition]) -> None:
    # Resuming into `approved` would re-run open_case; pause after starting transition.
    case = Case(defs["contract_review"])
    case.state = "approved"
    assert case.check("put_on_hold", "sarah", [SRO]).status == "invalid_transition"


# --- service_component ----------------------------------------------------------------


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


def test_component_insource_operation(defs: dict[str, WorkflowDefinition]) -> None:
    visited = walk_insource_operation(defs)
    assert visited.count("parallel_running") == 2 and visited[-1] == "operation_live"
    assert not {"discovery", "alpha"} & set(visited)  # not a digital service build


def test_component_build_in_house(defs: dict[str, WorkflowDefinition]) -> None:
    visited = walk_build_in_house(defs)
    assert visited.count("alpha") == 2 and "alpha_reassessment" in visited


def test_component_reprocure(defs: dict[str, WorkflowDefinition]) -> None:
    assert walk_reprocure(defs)[-1] == "new_contract_live"


def test_component_buy_commodity(defs: dict[str, WorkflowDefinition]) -> None:
    assert walk_buy_commodity(defs)[-1] == "commodity_live"


def test_component_retain_extend(defs: dict[str, WorkflowDefinition]) -> None:
    assert walk_retain_extend(defs)[-1] == "extended"


def test_component_decommission(defs: dict[str, WorkflowDefinition]) -> None:
    assert walk_decommission(defs)[-1] == "decommissioned"


def test_route_sent_back_and_reproposed(defs: dict[str, WorkflowDefinition]) -> None:
    case = Case(defs["service_component"])
    case.state = "assessed"
    case.fire("propose_route", "owen", [SO], data={"route": "reprocure"})
    assert case.refused("return_route", "sarah", [SRO], reason=None) == {"reason_required"}
    case.fire("return_route", "sarah", [SRO], expect="assessed")
    case.fire("propose_route", "cleo", [CL], data={"route": "buy_commodity"})
    # The earlier proposer may now approve: four-eyes looks at the latest proposal.
    case.fire("approve_route", "owen", [SRO], expect="route_approved")
    assert case.data["route"] == "buy_commodity"


def test_extension_without_recorded_limits(defs: dict[str, WorkflowDefinition]) -> None:
    # A contract with no latest end date or value: the limits cannot be checked, so the
    # extension is refused until they are recorded (or, for the value, a change notice).
    bare = {**CONTRACT, "max_end_date": None, "value": None}
    case = component_to_route_approved(defs, "retain_extend", contract=bare)
    data = {"justification": "bridge", "new_end_date": "2030-01-31", "new_value": 99}
    verdict = case.check("request_extension", "cam", [CM], data=data)
    assert codes(verdict) == {"date_not_after", "value_change_needs_evidence"}
    assert "max end date is not recorded" in verdict.blocked_by[0].detail
    # Without a new value the 10% check cannot run: it is required.
    no_value = {k: v for k, v in data.items() if k != "new_value"}
    assert "data_required" in case.refused("request_extension", "cam", [CM], data=no_value)


# --- contract_exit --------------------------------------------------------------------


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


def test_exit_by_serving_notice(defs: dict[str, WorkflowDefinition]) -> None:
    assert "notice_served" in walk_exit(defs, serve=True)


def test_exit_by_running_to_expiry(defs: dict[str, WorkflowDefinition]) -> None:
    assert "running_to_expiry" in walk_exit(defs, serve=False)


def test_a_pcr2015_exit_closes_without_a_termination_notice(
    defs: dict[str, WorkflowDefinition],
) -> None:
    # Procurement Act 2023 s.80 (contract termination notice, UK11): contracts under the Act.
    assert "closed" in walk_exit(defs, serve=True, regime="pcr2015")


# --- every state is visited by some walk ----------------------------------------------


def test_walks_visit_every_state(defs: dict[str, WorkflowDefinition]) -> None:
    stops = {"contract_review": {"withdrawn", "on_hold"}, "service_component": {"cancelled"}}
    # descoped (a partial termination beside an extended line) needs sibling cases: its walk
    # is tests/e2e/test_partial_termination.py.
    stops["contract_exit"] = {"cancelled", "descoped"}
    visited = {
        "contract_review": set(walk_review(defs)),
        "service_component": {
            s
            for walk in (
                walk_build_in_house,
                walk_insource_operation,
                walk_reprocure,
                walk_buy_commodity,
                walk_retain_extend,
                walk_decommission,
            )
            for s in walk(defs)
        },
        "contract_exit": set(walk_exit(defs, serve=True)) | set(walk_exit(defs, serve=False)),
    }
    for name, seen in visited.items():
        # The stop states are covered by the stop tests above.
        assert seen | stops[name] == set(defs[name].states), name
