"""The contract_review definition: intake to closed, the approval guard, holding and resuming."""

from __future__ import annotations

from app.engine import WorkflowDefinition
from tests.workflows.walker import PM, SRO, Case, child, codes
from tests.workflows.walks import walk_review


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
