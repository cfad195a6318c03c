"""Turning case rows into their REST representation."""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.cases.context import children_of, guard_context
from app.cases.ctx import Ctx
from app.cases.models import Case
from app.cases.schemas import (
    BlockerOut,
    CaseOut,
    ChildOut,
    DataInputOut,
    EvidenceInputOut,
    InputsOut,
    TransitionOption,
)
from app.cases.service import definition_of
from app.deadlines.actions import case_deadlines
from app.engine import GUARDS, Verdict, WorkflowDefinition, get_engine
from app.engine.inputs import Inputs, merged_inputs

# Guards whose description says they look at the children: what holds a parent back.
CHILD_GUARDS = frozenset(n for n, g in GUARDS.items() if "children" in g.params.looks_at)


def case_out(ctx: Ctx, case: Case, *, full: bool = False) -> CaseOut:
    """The case as the API shows it; `full` adds children, deadlines and the roll-up."""
    defn = definition_of(ctx, case)
    out = CaseOut(
        id=case.id,
        workflow=case.workflow,
        workflow_version=case.workflow_version,
        title=case.title,
        state=case.state,
        state_title=defn.states[case.state].title,
        final=case.final,
        version=case.version,
        contract_id=case.contract_id,
        parent_id=case.parent_id,
        component_id=case.component_id,
        route=case.route,
        assignee=case.assignee,
        data=case.data,
        created_at=case.created_at,
        updated_at=case.updated_at,
    )
    if not full:
        return out
    # Only decomposable workflows and those opening child cases can have children: skip the
    # query for the rest (it is on the path of every transition response).
    children = children_of(ctx.session, case.id) if may_have_children(defn) else []
    out.children = [
        ChildOut(
            id=c.id, workflow=c.workflow, title=c.title, state=c.state, final=c.final, route=c.route
        )
        for c in children
    ]
    if children:
        out.rollup = rollup(children, transition_options(ctx, case))
    out.deadlines = case_deadlines(ctx.session, case.id)
    return out


def may_have_children(defn: WorkflowDefinition) -> bool:
    """Whether cases of this definition can have child cases."""
    return defn.components is not None or any(
        a.name == "open_case" for s in defn.states.values() for a in s.on_enter
    )


def rollup(children: list[Case], options: list[TransitionOption]) -> dict[str, Any]:
    """Components per route and per state, and what holds the parent's next steps."""
    components = [c for c in children if c.component_id is not None]
    return {
        "children": len(children),
        "open": sum(not c.final for c in children),
        "components": len(components),
        "by_route": dict(Counter(c.route or "undecided" for c in components)),
        "by_state": dict(Counter(c.state for c in components)),
        "blocking": [
            {
                "trigger": o.trigger,
                "dest": o.dest,
                "blocked_by": [b.model_dump() for b in o.blocked_by if b.code in CHILD_GUARDS],
            }
            for o in options
            if any(b.code in CHILD_GUARDS for b in o.blocked_by)
        ],
    }


def inputs_out(inputs: Inputs) -> InputsOut:
    """The inputs as the API shows them."""
    return InputsOut(
        data=[
            DataInputOut(
                name=d.name,
                title=d.title,
                label=d.title,
                type=d.type,
                required=d.required,
                choices=list(d.choices) if d.choices is not None else None,
                hint=d.hint,
            )
            for d in inputs.data
        ],
        evidence=[
            EvidenceInputOut(kind=e.kind, title=e.title, required=e.required)
            for e in inputs.evidence
        ],
    )


def option_out(verdict: Verdict, inputs: Inputs | None = None) -> TransitionOption:
    """One available trigger, with why not when it is blocked, and what it asks for."""
    t = verdict.transition
    return TransitionOption(
        trigger=verdict.trigger,
        title=verdict.title or verdict.trigger,
        dest=verdict.dest,
        allowed=verdict.allowed,
        blocked_by=[BlockerOut(code=b.code, detail=b.detail) for b in verdict.blocked_by],
        requires_reason=t.requires_reason if t else False,
        requires_evidence=t.requires_evidence if t else 0,
        inputs=inputs_out(inputs or Inputs()),
    )


def transition_options(ctx: Ctx, case: Case) -> list[TransitionOption]:
    """Every trigger from the case's state, for the caller, with blockers."""
    defn = definition_of(ctx, case)
    gctx = guard_context(ctx.session, case, actor=ctx.actor, clock=ctx.clock)
    engine = get_engine()
    return [
        option_out(v, merged_inputs(engine.candidates(defn, case.state, v.trigger)))
        for v in engine.options(defn, case.state, gctx)
    ]
