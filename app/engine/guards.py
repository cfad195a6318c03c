"""The guard registry and the built-in guards.

A guard returns None when it passes, or one human sentence saying why not; the failure
code is the guard's name. Guards must never raise on bad client input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.deadlines.workdays import add_working_days
from app.engine.context import (
    GuardContext,
    as_date,
    as_number,
    is_blank,
    label,
    resolve,
    shown,
    the,
)
from app.engine.params import ParamSpec

GuardFn = Callable[[GuardContext, Mapping[str, Any]], str | None]


@dataclass(frozen=True, slots=True)
class GuardSpec:
    """A registered guard: its function and parameter spec."""

    name: str
    fn: GuardFn
    params: ParamSpec


GUARDS: dict[str, GuardSpec] = {}


def guard(
    name: str,
    *,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    types: Mapping[str, str] | None = None,
) -> Callable[[GuardFn], GuardFn]:
    """Register a guard function under `name` with its parameter spec."""

    def register(fn: GuardFn) -> GuardFn:
        if name in GUARDS:
            raise ValueError(f"guard {name!r} is already registered")
        GUARDS[name] = GuardSpec(name, fn, ParamSpec(required, optional, dict(types or {})))
        return fn

    return register


def run_guard(name: str, ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Run the named guard; None means it passes."""
    return GUARDS[name].fn(ctx, params)


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


@guard("all_children_final")
def all_children_final(ctx: GuardContext, _params: Mapping[str, Any]) -> str | None:
    """Every child case is in a final state (vacuously true with no children)."""
    open_children = [c for c in ctx.children if not c.get("final")]
    if not open_children:
        return None
    listed = ", ".join(f"{_child_label(c)} in {c.get('state')}" for c in open_children)
    return f"{len(open_children)} child case(s) are not finished yet: {listed}."


@guard("has_children", optional=("min", "workflow"), types={"min": "int", "workflow": "str"})
def has_children(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The case has at least `min` children (of `workflow`, if given)."""
    minimum = params.get("min", 1)
    found = len(_children(ctx, params.get("workflow")))
    if found >= minimum:
        return None
    kind = f"{params['workflow']} " if params.get("workflow") else ""
    return f"This case needs at least {minimum} {kind}child case(s); it has {found}."


@guard("children_have", required=("field",), optional=("workflow",), types={"field": "str"})
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
    required=("workflow", "states"),
    types={"workflow": "str", "states": "list[str]"},
)
def child_in_state(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Some child of `workflow` is in one of `states`."""
    states = params["states"]
    if any(c.get("state") in states for c in _children(ctx, params["workflow"])):
        return None
    return f"No {params['workflow']} child case is in state {' or '.join(states)}."


@guard(
    "open_children_in_state",
    required=("states",),
    optional=("workflow",),
    types={"states": "list[str]", "workflow": "str"},
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
    required=("states",),
    optional=("workflow",),
    types={"states": "list[str]", "workflow": "str"},
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


@guard("parent_in_state", required=("states",), types={"states": "list[str]"})
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


@guard("contract_field_present", required=("field",), types={"field": "str"})
def contract_field_present(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The contract has a non-empty `field` (dotted paths allowed)."""
    if ctx.contract is None:
        return "This case is not about a contract."
    if not is_blank(resolve(ctx, f"contract.{params['field']}")):
        return None
    return f"The contract has no {label(params['field'])} recorded."


@guard("case_field_present", required=("field",), types={"field": "str"})
def case_field_present(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The case's data has a non-empty `field`."""
    if not is_blank(resolve(ctx, f"case.data.{params['field']}")):
        return None
    return f"The case has no {label(params['field'])} recorded."


@guard("data_required", required=("fields",), types={"fields": "list[str]"})
def data_required(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Every path in `fields` has a non-empty value (bare names mean `data.<name>`)."""
    missing = [f for f in params["fields"] if is_blank(resolve(ctx, f))]
    if not missing:
        return None
    return f"Please provide: {', '.join(label(f) for f in missing)}."


@guard("data_field_in", required=("field", "values"), types={"field": "str", "values": "list"})
def data_field_in(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The value at `field` is one of `values`."""
    field, values = params["field"], params["values"]
    value = resolve(ctx, field)
    choices = ", ".join(str(v) for v in values)
    if is_blank(value):
        return f"Please provide the {label(field)} (one of: {choices})."
    # Lists and dicts are unhashable and never valid choices; compare by equality.
    if any(value == v and type(value) is type(v) for v in values):
        return None
    return f"The {label(field)} must be one of: {choices}; got {shown(value)}."


# --- dates ------------------------------------------------------------------------------


def _field_date(ctx: GuardContext, path: str) -> tuple[date | None, str | None]:
    """The date at `path`, or a sentence saying it is missing or not a date."""
    value = resolve(ctx, path)
    if is_blank(value):
        return None, f"Please provide {the(path)}."
    found = as_date(value)
    if found is None:
        return None, f"The {label(path)} must be a date (YYYY-MM-DD); got {shown(value)}."
    return found, None


def _reference_date(ctx: GuardContext, path: str) -> tuple[date | None, str | None]:
    """A limit date: a literal ISO date, or else a path; (None, None) when not recorded."""
    literal = as_date(path)
    if literal is not None:  # before resolving: a request may carry a key named like a date
        return literal, None
    value = resolve(ctx, path)
    if is_blank(value):
        return None, None
    found = as_date(value)
    if found is None:
        return None, f"Cannot check against {the(path)}: {shown(value)} is not a date."
    return found, None


def _compare_dates(ctx: GuardContext, params: Mapping[str, Any], after: bool) -> str | None:
    field, limit = params["field"], params["limit"]
    value, problem = _field_date(ctx, field)
    if value is None:
        return problem
    bound, problem = _reference_date(ctx, limit)
    if bound is None:
        # An unrecorded limit (a contract with no max_end_date) must not wave the date
        # through: it fails unless the definition says a missing limit is fine.
        if problem is None and not params.get("allow_missing_limit", False):
            problem = f"Cannot check the {label(field)}: {the(limit)} is not recorded."
        return problem
    if (value > bound) if after else (value < bound):
        bound_text = str(bound) if as_date(limit) else f"{the(limit)} ({bound})"
        side = "after" if after else "before"
        return f"The {label(field)} ({value}) must not be {side} {bound_text}."
    return None


_LIMIT_TYPES = {"field": "str", "limit": "str", "allow_missing_limit": "bool"}


@guard(
    "date_not_after",
    required=("field", "limit"),
    optional=("allow_missing_limit",),
    types=_LIMIT_TYPES,
)
def date_not_after(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The date at `field` is on or before the date at `limit` (missing limit fails)."""
    return _compare_dates(ctx, params, after=True)


@guard(
    "date_not_before",
    required=("field", "limit"),
    optional=("allow_missing_limit",),
    types=_LIMIT_TYPES,
)
def date_not_before(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The date at `field` is on or after the date at `limit` (missing limit fails)."""
    return _compare_dates(ctx, params, after=False)


@guard("optional_dates", required=("fields",), types={"fields": "list[str]"})
def optional_dates(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Each of `fields` may be left out, but when sent it is a date (e.g. a planned phase end)."""
    bad = [
        f
        for f in params["fields"]
        if not is_blank(resolve(ctx, f)) and as_date(resolve(ctx, f)) is None
    ]
    if not bad:
        return None
    return f"Please give {' and '.join(the(f) for f in bad)} as a date (YYYY-MM-DD)."


@guard(
    "date_within_days",
    required=("field", "of", "days"),
    types={"field": "str", "of": "str", "days": "int"},
)
def date_within_days(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The date at `field` is between the date at `of` and `days` days after it."""
    field, of, days = params["field"], params["of"], int(params["days"])
    value, problem = _field_date(ctx, field)
    if value is None:
        return problem
    start, problem = _reference_date(ctx, of)
    if problem:
        return problem
    if start is None:
        # Unlike a limit, a window with no start is undefined: fail rather than pass.
        return f"Cannot check the {label(field)}: {the(of)} is not recorded."
    if value < start:
        return f"The {label(field)} ({value}) must not be before {the(of)} ({start})."
    if value > start + timedelta(days=days):
        return (
            f"The {label(field)} ({value}) must be within {days} days of {the(of)} "
            f"({start}), that is by {start + timedelta(days=days)}."
        )
    return None


# Optional on some guards: check only when the value at `when_field` is in `when_values`.
_WHEN = ("when_field", "when_values")
_WHEN_TYPES = {"when_field": "str", "when_values": "list"}


def _applies(ctx: GuardContext, params: Mapping[str, Any]) -> bool:
    if "when_field" not in params:
        return True
    value = resolve(ctx, params["when_field"])
    return any(value == v and type(value) is type(v) for v in params.get("when_values", []))


@guard(
    "after_working_days",
    required=("field", "of", "days"),
    optional=_WHEN,
    types={"field": "str", "of": "str", "days": "int", **_WHEN_TYPES},
)
def after_working_days(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The date at `field` is after the `days`th working day (England and Wales) after `of`."""
    if not _applies(ctx, params):
        return None
    field, of, days = params["field"], params["of"], int(params["days"])
    value, problem = _field_date(ctx, field)
    start, problem = (None, problem) if value is None else _reference_date(ctx, of)
    if value is None or start is None:
        return problem or f"Cannot check the {label(field)}: {the(of)} is not recorded."
    # A period of n working days ends at midnight at the end of the nth working day after
    # the start (a standstill, say): the first day after it is the earliest allowed.
    last = add_working_days(start, days)
    if value > last:
        return None
    return (
        f"The {label(field)} ({value}) must be after the {days} working days that follow"
        f" {the(of)} ({start}), that is from {last + timedelta(days=1)}."
    )


# --- evidence ---------------------------------------------------------------------------


def _evidence_kinds(evidence: Sequence[Mapping[str, Any]]) -> set[str]:
    return {
        e["kind"] for e in evidence if isinstance(e, Mapping) and isinstance(e.get("kind"), str)
    }


@guard(
    "evidence_kinds",
    required=("kinds",),
    optional=_WHEN,
    types={"kinds": "list[str]", **_WHEN_TYPES},
)
def evidence_kinds(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Each of `kinds` appears among the evidence items' `kind` (when `when_field` applies)."""
    if not _applies(ctx, params):
        return None
    present = _evidence_kinds(ctx.evidence)
    missing = [k for k in params["kinds"] if k not in present]
    if not missing:
        return None
    return f"Please attach evidence of kind: {', '.join(missing)}."


@guard(
    "value_change_needs_evidence",
    required=("field", "of", "percent", "kind"),
    types={"field": "str", "of": "str", "percent": "number", "kind": "str"},
)
def value_change_needs_evidence(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """A change of more than `percent`% from the value at `of` needs evidence of `kind`."""
    field, of, kind = params["field"], params["of"], params["kind"]
    raw = resolve(ctx, field)
    if is_blank(raw):
        return None  # no new value proposed: nothing changes
    new = as_number(raw)
    if new is None:
        return f"The {label(field)} must be a number; got {shown(raw)}."
    if new < 0:
        return f"The {label(field)} must not be negative; got {new}."
    if kind in _evidence_kinds(ctx.evidence):
        return None
    old = as_number(resolve(ctx, of))
    if old is None:
        # Without a baseline the change cannot be shown to be small: ask for the evidence.
        return (
            f"{the(of).capitalize()} is not recorded, so the change to {new} cannot be"
            f" shown to be within {params['percent']}%: attach evidence of kind '{kind}'."
        )
    limit = abs(old) * Decimal(str(params["percent"])) / 100
    if abs(new - old) <= limit:
        return None
    return (
        f"Changing the {label(field)} from {old} to {new} is more than "
        f"{params['percent']}% and needs evidence of kind '{kind}'."
    )
