"""The workflow names code must use, checked against the definitions like any other name.

Most workflow knowledge lives in the YAML (actions, tags, `components`). What remains in
code is listed here, where `handover workflows check` and start-up verify it exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.cases.rules import ONE_OPEN_PER_CONTRACT
from app.cases.service import ACTIONS, CHILD_CANCEL
from app.deadlines.service import ENDED_STATES, EXIT_WORKFLOW, TERMINATION_FIELD
from app.engine import ACTION_SPECS, Problem, WorkflowDefinition
from app.engine.references import known_fields, opened_by


@dataclass(frozen=True, slots=True)
class Named:
    """A workflow code names, with the states and data fields it relies on, and why."""

    workflow: str
    why: str
    states: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


NAMED_IN_CODE: tuple[Named, ...] = (
    *(
        Named(w, "cases/rules.py: one open case per contract (a partial unique index)")
        for w in sorted(ONE_OPEN_PER_CONTRACT)
    ),
    Named(
        EXIT_WORKFLOW,
        "deadlines/service.py: the contract's actual end is its exit's termination date",
        states=ENDED_STATES,
        fields=(TERMINATION_FIELD,),
    ),
)


def code_name_problems(
    defs: Mapping[str, WorkflowDefinition], directory: Path, *, every_workflow: bool = False
) -> list[Problem]:
    """Names code relies on that the definitions lack, and actions without implementation.

    A workflow missing altogether is allowed unless `every_workflow`: a set of definitions
    without an exit simply has no exit rules. A test holds the shipped set to all of them.
    """
    out: list[Problem] = []
    where = str(directory)
    for named in NAMED_IN_CODE:
        defn = defs.get(named.workflow)
        if defn is None:
            if every_workflow:
                message = f"no such workflow, named by {named.why}"
                out.append(Problem(where, named.workflow, message))
            continue
        for state in named.states:
            if state not in defn.states:
                out.append(Problem(where, named.workflow, f"no state '{state}' ({named.why})"))
        for field in named.fields:
            if field not in known_fields(defn):
                out.append(Problem(where, named.workflow, f"no field '{field}' ({named.why})"))
    # cancel_open_children fires CHILD_CANCEL on each child: every child workflow needs it.
    parents = opened_by(defs)
    cancelling = {
        d.name
        for d in defs.values()
        if any(a.name == "cancel_open_children" for s in d.states.values() for a in s.on_enter)
    }
    for child, by in sorted(parents.items()):
        defn = defs.get(child)
        if defn is None or not (by & cancelling):
            continue
        if all(t.trigger != CHILD_CANCEL for t in defn.transitions):
            message = f"no trigger '{CHILD_CANCEL}', which cancel_open_children fires on children"
            out.append(Problem(where, child, message))
    for name in sorted(set(ACTION_SPECS) - set(ACTIONS)):
        out.append(Problem(where, name, "declared action has no implementation in ACTIONS"))
    return out
