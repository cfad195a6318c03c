"""The engine: evaluate, options and the machine cache."""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import replace
from typing import Any

from app.engine import (
    Blocker,
    Engine,
    WorkflowDefinition,
    evaluate,
    machine_for,
    options,
    parse_definition,
)
from tests.engine.helpers import MINI, make_ctx

PM = frozenset({"programme_manager"})
SRO = frozenset({"senior_responsible_owner"})
EVIDENCE = [{"title": "Exit plan", "url": "https://example.org/plan"}]


def codes(verdict: Any) -> list[str]:
    return [b.code for b in verdict.blocked_by]


def test_ok_returns_dest_and_on_enter_actions(review: WorkflowDefinition) -> None:
    verdict = evaluate(review, "intake", "triage", make_ctx())
    assert verdict.allowed and verdict.status == "ok"
    assert verdict.dest == "triaged"
    assert verdict.blocked_by == ()
    assert [a.name for a in verdict.actions] == ["schedule_deadline"]
    assert verdict.title == "Triage the contract"


def test_invalid_transition(review: WorkflowDefinition) -> None:
    for state, trigger in [("intake", "approve"), ("intake", "fly"), ("nowhere", "triage")]:
        verdict = evaluate(review, state, trigger, make_ctx())
        assert verdict.status == "invalid_transition"
        assert not verdict.allowed and verdict.dest is None
        assert codes(verdict) == ["invalid_transition"]
    assert evaluate(review, "intake", "approve", make_ctx()).blocked_by[0].detail == (
        "'approve' cannot be done from state 'intake'."
    )
    # A final state has no way out.
    assert evaluate(review, "approved", "cancel", make_ctx()).status == "invalid_transition"


def test_role_required(review: WorkflowDefinition) -> None:
    verdict = evaluate(review, "intake", "triage", make_ctx(roles=frozenset({"viewer"})))
    assert verdict.status == "forbidden"
    assert verdict.dest == "triaged"
    assert verdict.blocked_by == (
        Blocker("role_required", "This needs one of these roles: programme_manager."),
    )


def test_forbidden_still_lists_every_reason(review: WorkflowDefinition) -> None:
    ctx = make_ctx(roles=frozenset({"viewer"}), contract={"tier": None})
    verdict = evaluate(review, "intake", "triage", ctx)
    assert verdict.status == "forbidden"
    assert codes(verdict) == ["role_required", "contract_field_present"]


def test_reason_and_evidence_required(review: WorkflowDefinition) -> None:
    verdict = evaluate(review, "decomposed", "submit_for_approval", make_ctx(reason="  "))
    assert verdict.status == "unprocessable"
    assert codes(verdict) == ["reason_required", "evidence_required"]
    assert verdict.blocked_by[1].detail == "Please attach at least 1 evidence item(s); 0 given."
    ok = evaluate(
        review, "decomposed", "submit_for_approval", make_ctx(reason="ready", evidence=EVIDENCE)
    )
    assert ok.allowed and ok.dest == "awaiting_approval"


def test_guard_failure_is_unprocessable(review: WorkflowDefinition) -> None:
    ctx = make_ctx(
        reason="r", evidence=EVIDENCE, children=[{"id": 7, "state": "a", "final": False}]
    )
    verdict = evaluate(review, "decomposed", "submit_for_approval", ctx)
    assert verdict.status == "unprocessable"
    assert verdict.blocked_by == (
        Blocker("all_children_final", "1 child case(s) are not finished yet: #7 in a."),
    )


def test_four_eyes(review: WorkflowDefinition) -> None:
    history = {"submit_for_approval": "alice"}
    verdict = evaluate(review, "awaiting_approval", "approve", make_ctx(roles=SRO, history=history))
    assert verdict.status == "forbidden"
    # No candidate passes: the union of both candidates' blockers is reported.
    assert codes(verdict) == ["four_eyes", "data_field_in"]
    other = evaluate(
        review, "awaiting_approval", "approve", make_ctx(actor="bob", roles=SRO, history=history)
    )
    assert other.allowed


def test_four_eyes_holds_for_someone_with_both_roles(review: WorkflowDefinition) -> None:
    ctx = make_ctx(roles=PM | SRO, history={"submit_for_approval": "alice"})
    verdict = evaluate(review, "awaiting_approval", "approve", ctx)
    assert not verdict.allowed and verdict.status == "forbidden"
    assert codes(verdict) == ["four_eyes", "data_field_in"]


def test_candidates_chosen_by_guards(review: WorkflowDefinition) -> None:
    ctx = make_ctx(actor="bob", roles=SRO, history={"submit_for_approval": "alice"})
    fast = evaluate(review, "awaiting_approval", "approve", replace(ctx, data={"track": "fast"}))
    assert fast.allowed and fast.dest == "fast_tracked"
    normal = evaluate(review, "awaiting_approval", "approve", ctx)
    assert normal.allowed and normal.dest == "approved"
    assert [a.name for a in normal.actions] == ["open_case"]


def test_no_candidate_passes_reports_first_dest_and_union(review: WorkflowDefinition) -> None:
    ctx = make_ctx(roles=PM, history={"submit_for_approval": "alice"}, data={"track": "slow"})
    verdict = evaluate(review, "awaiting_approval", "approve", ctx)
    assert verdict.dest == "fast_tracked"
    assert verdict.status == "forbidden"
    # Deduplicated: both candidates fail on role and four-eyes, only the first on its guard.
    assert codes(verdict) == ["role_required", "four_eyes", "data_field_in"]


def test_options(review: WorkflowDefinition) -> None:
    ctx = make_ctx(contract={"tier": None})
    verdicts = options(review, "intake", ctx)
    assert [(v.trigger, v.dest, v.allowed) for v in verdicts] == [
        ("triage", "triaged", False),
        ("cancel", "cancelled", True),  # reason is not counted in options
    ]
    assert codes(verdicts[0]) == ["contract_field_present"]
    assert options(review, "approved", ctx) == []
    assert options(review, "nowhere", ctx) == []


def test_options_on_awaiting_approval_lists_each_trigger_once(review: WorkflowDefinition) -> None:
    verdicts = options(review, "awaiting_approval", make_ctx(roles=SRO))
    assert [v.trigger for v in verdicts] == ["approve", "send_back", "cancel"]
    assert [v.dest for v in verdicts][:2] == ["approved", "decomposed"]


def test_machine_cached_and_built_once(review: WorkflowDefinition) -> None:
    engine = Engine()
    first = engine.machine_for(review)
    for _ in range(3):
        engine.evaluate(review, "intake", "triage", make_ctx())
    assert engine.machine_for(review) is first
    assert engine.builds == 1
    assert machine_for(review) is machine_for(review)
    # The machine has no model and no auto transitions.
    assert first.models == []
    assert "to_intake" not in first.events
    assert first.get_triggers("intake") == ["triage", "cancel"]


def test_cache_fill_is_thread_safe(review: WorkflowDefinition) -> None:
    engine = Engine()
    seen: list[Any] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        seen.append(engine.machine_for(review))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert engine.builds == 1
    assert all(m is seen[0] for m in seen)


def test_evaluate_is_cheap(review: WorkflowDefinition) -> None:
    ctx = make_ctx(reason="r", evidence=EVIDENCE)
    evaluate(review, "decomposed", "submit_for_approval", ctx)
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        evaluate(review, "decomposed", "submit_for_approval", ctx)
    per_call = (time.perf_counter() - start) / n
    # Generous bound for slow CI; typically a few microseconds.
    assert per_call < 200e-6


def test_status_is_unprocessable_when_a_permitted_candidate_only_lacks_input() -> None:
    doc = copy.deepcopy(MINI)
    doc["transitions"][0]["roles"] = ["admin"]
    doc["transitions"].insert(
        1,
        {
            "trigger": "go",
            "source": "a",
            "dest": "done",
            "roles": ["programme_manager"],
            "guards": [{"data_required": {"fields": ["why"]}}],
        },
    )
    defn = parse_definition(doc, "mini.yaml")
    verdict = evaluate(defn, "a", "go", make_ctx())
    assert verdict.status == "unprocessable"
    assert verdict.dest == "b"
    assert codes(verdict) == ["role_required", "data_required"]
    assert evaluate(defn, "a", "go", make_ctx(data={"why": "x"})).dest == "done"
