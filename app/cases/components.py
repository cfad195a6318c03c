"""Decomposition: a contract review's service lines, each with its own component case."""

from __future__ import annotations

from sqlalchemy import select

from app.audit import service as audit
from app.cases.ctx import Ctx
from app.cases.models import Case, Component
from app.cases.service import definition_of, open_case
from app.engine import WorkflowDefinition
from app.engine.inputs import transition_inputs
from app.errors import Conflict, Unprocessable


def routes(defn: WorkflowDefinition) -> list[str]:
    """The delivery routes a component may take: the choices its transitions offer for `route`."""
    found: list[str] = []
    for t in defn.transitions:
        for d in transition_inputs(t).data:
            if d.name == "route" and d.choices:
                found += [str(c) for c in d.choices if str(c) not in found]
    return found


def decomposition_routes(ctx: Ctx, case: Case) -> list[str] | None:
    """The routes a new component of this case may suggest, or None if it takes none now."""
    decomposition = definition_of(ctx, case).components
    if decomposition is None or case.state not in decomposition.states:
        return None
    return routes(ctx.registry.latest(decomposition.workflow))


def decompose(
    ctx: Ctx, *, parent: Case, name: str, description: str | None, route: str | None
) -> Case:
    """Record a component of the parent's contract and open its child case."""
    child_workflow = _check_decomposable(ctx, parent, name, route)
    now = ctx.clock.now()
    component = Component(
        contract_id=parent.contract_id,
        review_case_id=parent.id,
        name=name,
        description=description,
        created_at=now,
    )
    ctx.session.add(component)
    ctx.session.flush()
    audit.record(
        session=ctx.session,
        actor=ctx.actor,
        action="component.created",
        at=now,
        case_id=parent.id,
        contract_id=parent.contract_id,
        details={
            "component_id": component.id,
            "name": name,
            "description": description,
            "suggested_route": route,
        },
    )
    data = {"suggested_route": route} if route else {}
    return open_case(
        ctx,
        workflow=child_workflow,
        contract_id=parent.contract_id,
        title=name,
        parent=parent,
        component_id=component.id,
        data=data,
    )


def _check_decomposable(ctx: Ctx, parent: Case, name: str, route: str | None) -> str:
    """The child workflow, once the parent may take this component (409/422 otherwise)."""
    # Components are found while the contract is reviewed (the definition's `components`
    # says in which states); later ones would skip the approvals.
    decomposition = definition_of(ctx, parent).components
    if decomposition is None:
        raise Conflict(f"a {parent.workflow} case cannot be decomposed", code="invalid_transition")
    child_workflow, allowed = decomposition.workflow, decomposition.states
    if parent.state not in allowed:
        raise Conflict(
            f"components can be added while case {parent.id} is {' or '.join(sorted(allowed))};"
            f" it is {parent.state}",
            code="invalid_transition",
        )
    known = routes(ctx.registry.latest(child_workflow))
    if route is not None and route not in known:
        raise Unprocessable(
            f"unknown route {route!r}; routes: {', '.join(known)}",
            problems=[{"field": "route", "message": "unknown route"}],
        )
    clash = ctx.session.scalar(
        select(Component.id).where(Component.review_case_id == parent.id, Component.name == name)
    )
    if clash is not None:
        raise Conflict(f"case {parent.id} already has a component named {name!r}", code="duplicate")
    return child_workflow
