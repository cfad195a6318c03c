"""Which cases may be opened on their own, and how many at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.cases.models import ONE_OPEN_WORKFLOW, Case
from app.engine import WorkflowDefinition
from app.errors import Conflict, Unprocessable

# At most one open case of these workflows per contract (the index in models.py holds it).
ONE_OPEN_PER_CONTRACT = frozenset({ONE_OPEN_WORKFLOW})


def component_workflows(definitions: dict[str, WorkflowDefinition]) -> dict[str, str]:
    """Parent workflow -> the workflow of its component cases (the YAML's `components`)."""
    return {d.name: d.components.workflow for d in definitions.values() if d.components}


def parents_of(definitions: dict[str, WorkflowDefinition]) -> dict[str, str]:
    """Workflow -> the workflow whose cases open it as a child (components, on-enter cases)."""
    found = {child: parent for parent, child in component_workflows(definitions).items()}
    for defn in definitions.values():
        for state in defn.states.values():
            for action in state.on_enter:
                if action.name == "open_case" and action.params.get("as_child", True):
                    found.setdefault(str(action.params["workflow"]), defn.name)
    return found


def check_top_level(
    session: Session,
    definitions: dict[str, WorkflowDefinition],
    *,
    workflow: str,
    contract_id: int | None,
) -> None:
    """422 for a child-only workflow opened without its parent; 409 for a second open review."""
    parent = parents_of(definitions).get(workflow)
    if parent is not None:
        how = (
            f"add it as a component of a {parent} case (POST /api/cases/{{id}}/components)"
            if component_workflows(definitions).get(parent) == workflow
            else f"it is opened by its {parent} case"
        )
        raise Unprocessable(
            f"a {workflow} case cannot be opened on its own: {how}",
            code="parent_required",
            problems=[{"field": "workflow", "message": f"{workflow} needs a {parent} parent"}],
        )
    if workflow not in ONE_OPEN_PER_CONTRACT or contract_id is None:
        return
    open_id = session.scalar(
        select(Case.id)
        .where(Case.workflow == workflow, Case.contract_id == contract_id, Case.final.is_(False))
        .order_by(Case.id)
        .limit(1)
    )
    if open_id is not None:
        raise Conflict(
            f"contract {contract_id} already has an open {workflow} case (#{open_id}):"
            " continue that one, or withdraw it first",
            code="duplicate",
        )


def add_case(session: Session, case: Case) -> None:
    """Insert a new case; a second open review that raced past check_top_level is 409."""
    session.add(case)
    try:
        session.flush()
    except IntegrityError as error:
        if case.workflow not in ONE_OPEN_PER_CONTRACT:
            raise
        raise Conflict(
            f"contract {case.contract_id} already has an open {case.workflow} case, opened"
            " at the same time: continue that one, or withdraw it first",
            code="duplicate",
        ) from error
