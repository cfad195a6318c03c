"""The inputs a transition asks for come from its guards' own descriptions."""

from __future__ import annotations

from pathlib import Path

from app.engine import GUARDS, TransitionDef, load_directory
from app.engine.guide import guide_markdown
from app.engine.inputs import merged_inputs, transition_inputs

ROOT = Path(__file__).resolve().parents[2]
DEFS = load_directory(ROOT / "workflows")


def candidates(workflow: str, trigger: str, source: str) -> list[TransitionDef]:
    return [t for t in DEFS[workflow].transitions if t.trigger == trigger and source in t.sources]


def test_a_dated_decision_with_evidence() -> None:
    (serve,) = candidates("contract_exit", "serve_notice", "notice_due")
    inputs = transition_inputs(serve)
    assert [(d.name, d.type, d.required) for d in inputs.data] == [
        ("notice_served_date", "date", True)
    ]
    assert inputs.data[0].title == "Notice served date"
    assert [(e.kind, e.required) for e in inputs.evidence] == [("notice_letter", True)]


def test_one_trigger_told_apart_by_outcome_pools_the_choices() -> None:
    inputs = merged_inputs(candidates("service_component", "record_assessment", "alpha"))
    by_name = {d.name: d for d in inputs.data}
    assert by_name["outcome"].type == "choice"
    # The Service Manual's green / amber / red, with met / not met kept for older reports.
    assert by_name["outcome"].choices == ("met", "green", "amber", "not_met", "red")
    assert by_name["outcome"].required
    # Only the amber outcome needs the actions: not required of every outcome.
    assert not by_name["amber_actions"].required
    assert by_name["amber_actions_due_date"].type == "date"
    assert not by_name["private_beta_end_date"].required
    assert [(e.kind, e.required) for e in inputs.evidence] == [("service_assessment_report", True)]


def test_a_conditional_guard_asks_but_does_not_require() -> None:
    (start,) = candidates("service_component", "start_tender", "market_engaged")
    inputs = transition_inputs(start)
    assert [(d.name, d.required) for d in inputs.data] == [("procedure", True)]
    assert [(e.kind, e.required) for e in inputs.evidence] == [("tender_notice", False)]


def test_a_transition_takes_only_what_its_guards_ask_for() -> None:
    for defn in DEFS.values():
        for t in defn.transitions:
            assert t.takes == {d.name for d in transition_inputs(t).data}, (defn.name, t.trigger)


def test_every_guard_is_documented_and_the_guide_is_current() -> None:
    assert all(g.params.doc for g in GUARDS.values())
    assert (ROOT / "docs" / "guards.md").read_text() == guide_markdown()
