"""The shipped workflow definitions (workflows/*.yaml) load, can always stop, and are walked whole.

The walks themselves are in walks.py and component_walks.py; the case they walk, in walker.py.
"""

from __future__ import annotations

import pytest

from app.engine import WorkflowDefinition, check_directory
from tests.workflows.component_walks import ROUTE_WALKS
from tests.workflows.walker import PM, SRO, WORKFLOWS, Case
from tests.workflows.walks import walk_exit, walk_review

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


# --- every state is visited by some walk ----------------------------------------------


def test_walks_visit_every_state(defs: dict[str, WorkflowDefinition]) -> None:
    stops = {"contract_review": {"withdrawn", "on_hold"}, "service_component": {"cancelled"}}
    # descoped (a partial termination beside an extended line) needs sibling cases: its walk
    # is tests/e2e/test_partial_termination.py.
    stops["contract_exit"] = {"cancelled", "descoped"}
    visited = {
        "contract_review": set(walk_review(defs)),
        "service_component": {s for walk in ROUTE_WALKS for s in walk(defs)},
        "contract_exit": set(walk_exit(defs, serve=True)) | set(walk_exit(defs, serve=False)),
    }
    for name, seen in visited.items():
        # The stop states are covered by the stop tests above.
        assert seen | stops[name] == set(defs[name].states), name
