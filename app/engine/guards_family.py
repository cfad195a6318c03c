"""Guards that look at a case's parent, children and siblings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.engine.context import (
    GuardContext,
    as_date,
    is_blank,
    label,
    resolve,
)
from app.engine.guard_registry import guard
from app.engine.params import Param

# --- children -------------------------------------------------------------------------


def _child_label(child: Mapping[str, Any]) -> str:
    data = child.get("data")
    name = child.get("name") or (data.get("name") if isinstance(data, Mapping) else None)
    return f"#{child.get('id')} ({name})" if name else f"#{child.get('id')}"


def _children(ctx: GuardContext, workflow: Any) -> list[Mapping[str, Any]]:
    return [c for c in ctx.children if workflow is None or c.get("workflow") == workflow]


def _child_value(child: Mapping[str, Any], field: str) -> Any:
    # The field may be a column of the child case (route) or an entry in its data.
    value = child.get(field)
    if is_blank(value) and isinstance(child.get("data"), Mapping):
        value = child["data"].get(field)
    return value


@guard("all_children_final", looks_at=("children",))
def all_children_final(ctx: GuardContext, _params: Mapping[str, Any]) -> str | None:
    """Every child case is in a final state (vacuously true with no children)."""
    open_children = [c for c in ctx.children if not c.get("final")]
    if not open_children:
        return None
    listed = ", ".join(f"{_child_label(c)} in {c.get('state')}" for c in open_children)
    return f"{len(open_children)} child case(s) are not finished yet: {listed}."


@guard(
    "has_children",
    Param("min", "int", required=False),
    Param("workflow", required=False, names="workflow"),
    looks_at=("children",),
)
def has_children(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The case has at least `min` children (of `workflow`, if given)."""
    minimum = params.get("min", 1)
    found = len(_children(ctx, params.get("workflow")))
    if found >= minimum:
        return None
    kind = f"{params['workflow']} " if params.get("workflow") else ""
    return f"This case needs at least {minimum} {kind}child case(s); it has {found}."


@guard(
    "children_have",
    Param("field", names="field", of_workflow="workflow"),
    Param("workflow", required=False, names="workflow"),
    looks_at=("children",),
)
def children_have(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Every open child (of `workflow`) has a non-empty `field`."""
    field = params["field"]
    # A closed child (e.g. a cancelled component) can never get the field: it cannot block.
    missing = [
        c
        for c in _children(ctx, params.get("workflow"))
        if not c.get("final") and is_blank(_child_value(c, field))
    ]
    if not missing:
        return None
    listed = ", ".join(_child_label(c) for c in missing)
    return f"These child cases have no {label(field)} yet: {listed}."


@guard(
    "child_in_state",
    Param("workflow", names="workflow"),
    Param("states", "list[str]", names="state", of_workflow="workflow"),
    looks_at=("children",),
)
def child_in_state(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Some child of `workflow` is in one of `states`."""
    states = params["states"]
    if any(c.get("state") in states for c in _children(ctx, params["workflow"])):
        return None
    return f"No {params['workflow']} child case is in state {' or '.join(states)}."


@guard(
    "open_children_in_state",
    Param("states", "list[str]", names="state", of_workflow="workflow"),
    Param("workflow", required=False, names="workflow"),
    looks_at=("children",),
)
def open_children_in_state(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Every open child (of `workflow`) is in one of `states`; finished children never block."""
    return _open_behind(_children(ctx, params.get("workflow")), params["states"], "child")


def _open_behind(cases: Sequence[Mapping[str, Any]], states: list[str], kind: str) -> str | None:
    behind = [c for c in cases if not c.get("final") and c.get("state") not in states]
    if not behind:
        return None
    listed = ", ".join(f"{_child_label(c)} in {c.get('state')}" for c in behind)
    return f"These {kind} cases must be finished or {' or '.join(states)} first: {listed}."


@guard(
    "open_siblings_in_state",
    Param("states", "list[str]", names="state", of_workflow="workflow"),
    Param("workflow", required=False, names="workflow"),
    looks_at=("siblings",),
)
def open_siblings_in_state(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Every open case beside this one under its parent (of `workflow`) is in one of `states`."""
    parent = ctx.case.get("parent")
    if not isinstance(parent, Mapping):
        return "This case has no parent case to check."
    workflow = params.get("workflow")
    siblings = [
        c
        for c in parent.get("children") or ()
        if c.get("id") != ctx.case.get("id") and workflow in (None, c.get("workflow"))
    ]
    return _open_behind(siblings, params["states"], f"{workflow or 'sibling'}")


def _siblings(ctx: GuardContext, workflow: Any) -> list[Mapping[str, Any]] | None:
    parent = ctx.case.get("parent")
    if not isinstance(parent, Mapping):
        return None
    return [
        c
        for c in parent.get("children") or ()
        if c.get("id") != ctx.case.get("id") and workflow in (None, c.get("workflow"))
    ]


_SIBLING_STATES = (
    Param("states", "list[str]", names="state", of_workflow="workflow"),
    Param("workflow", required=False, names="workflow"),
)


@guard(
    "extended_siblings_ended",
    Param("field", names="field", asks="date"),
    Param("limit", names="limit"),
    looks_at=("siblings",),
)
def extended_siblings_ended(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """No extended line beside this case still runs: the date at `field` is on or after the
    date at `limit` (the extended term's end) whenever a sibling is extended."""
    siblings = _siblings(ctx, "service_component")
    if siblings is None:
        return "This case has no parent case to check."
    extended = [c for c in siblings if c.get("state") == "extended"]
    if not extended:
        return None
    ended, runs_to = as_date(resolve(ctx, params["field"])), as_date(resolve(ctx, params["limit"]))
    if ended is not None and runs_to is not None and ended >= runs_to:
        return None
    listed = ", ".join(_child_label(c) for c in extended)
    until = f" until {runs_to}" if runs_to else ""
    return (
        f"Extended service lines still run on the contract{until}: {listed}. Record a partial"
        " termination (de-scope) for the replaced lines instead."
    )


@guard("some_sibling_in_state", *_SIBLING_STATES, looks_at=("siblings",))
def some_sibling_in_state(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """At least one case beside this one under its parent (of `workflow`) is in `states`."""
    siblings = _siblings(ctx, params.get("workflow"))
    if siblings is None:
        return "This case has no parent case to check."
    if any(c.get("state") in params["states"] for c in siblings):
        return None
    return f"No {params.get('workflow') or 'sibling'} case is {' or '.join(params['states'])}."


@guard("handover_checklist_complete", looks_at=("siblings",))
def handover_checklist_complete(ctx: GuardContext, _params: Mapping[str, Any]) -> str | None:
    """No service line beside this case (cancelled ones aside) has a mandatory item open."""
    # Model Services Contract Schedule 8.5 and the Cabinet Office guidance on exiting major
    # IT contracts: data, licences and IP, third-party contracts, assets and the new
    # service's accreditation pass over before the contract is ended.
    parent = ctx.case.get("parent")
    if not isinstance(parent, Mapping):
        return "This case has no parent case to check."
    open_items = [
        f"{_child_label(c)}: {', '.join(c.get('handover_open') or ())}"
        for c in parent.get("children") or ()
        if c.get("id") != ctx.case.get("id")
        and c.get("state") != "cancelled"
        and c.get("handover_open")
    ]
    if not open_items:
        return None
    return f"Handover checklist items are still open: {'; '.join(open_items)}."


@guard(
    "dependencies_in_state",
    Param("states", "list[str]", names="state"),
    looks_at=("dependencies",),
)
def dependencies_in_state(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Every line this case depends on (of its review) is in one of `states`, e.g. live."""
    # Cabinet Office, "Guidance on exiting major IT contracts" (2017), and service
    # transition practice: a line is not cut over before the services it relies on run.
    waiting_on = [
        c for c in ctx.case.get("depends_on") or () if c.get("state") not in params["states"]
    ]
    if not waiting_on:
        return None
    listed = ", ".join(f"{_child_label(c)} in {c.get('state')}" for c in waiting_on)
    return (
        f"This line depends on lines that are not {' or '.join(params['states'])} yet: {listed}."
        " Remove a dependency that no longer holds."
    )


@guard(
    "parent_in_state",
    Param("states", "list[str]", names="state", of_workflow="parent"),
    looks_at=("parent",),
)
def parent_in_state(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The case's parent case is in one of `states`."""
    states = params["states"]
    parent = ctx.case.get("parent")
    if not isinstance(parent, Mapping):
        return "This case has no parent case to check."
    if parent.get("state") in states:
        return None
    return (
        f"The parent {parent.get('workflow')} case #{parent.get('id')} is {parent.get('state')};"
        f" this needs it to be {' or '.join(states)}."
    )


# --- fields -----------------------------------------------------------------------------
