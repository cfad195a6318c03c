"""Built-in guards on the contract, the case, the request data and its evidence.

A guard returns None when it passes, or one human sentence saying why not; the failure
code is the guard's name. Guards must never raise on bad client input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from app.engine.context import (
    GuardContext,
    as_number,
    is_blank,
    label,
    resolve,
    shown,
    the,
)
from app.engine.guard_registry import WHEN, applies, guard
from app.engine.params import Param


@guard("contract_field_present", Param("field", names="field", root="contract."))
def contract_field_present(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The contract has a non-empty `field` (dotted paths allowed)."""
    if ctx.contract is None:
        return "This case is not about a contract."
    if not is_blank(resolve(ctx, f"contract.{params['field']}")):
        return None
    return f"The contract has no {label(params['field'])} recorded."


@guard("case_field_present", Param("field", names="field", root="case.data."))
def case_field_present(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The case's data has a non-empty `field`."""
    if not is_blank(resolve(ctx, f"case.data.{params['field']}")):
        return None
    return f"The case has no {label(params['field'])} recorded."


@guard("data_required", Param("fields", "list[str]", names="field", asks="text"))
def data_required(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Every path in `fields` has a non-empty value (bare names mean `data.<name>`)."""
    missing = [f for f in params["fields"] if is_blank(resolve(ctx, f))]
    if not missing:
        return None
    return f"Please provide: {', '.join(label(f) for f in missing)}."


@guard(
    "data_field_in",
    Param("field", names="field", asks="choice", choices="values"),
    Param("values", "list"),
)
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


def _evidence_kinds(evidence: Sequence[Mapping[str, Any]]) -> set[str]:
    return {
        e["kind"] for e in evidence if isinstance(e, Mapping) and isinstance(e.get("kind"), str)
    }


@guard("evidence_kinds", Param("kinds", "list[str]", names="evidence_kind", asks="evidence"), *WHEN)
def evidence_kinds(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Each of `kinds` appears among the evidence items' `kind` (when `when_field` applies)."""
    if not applies(ctx, params):
        return None
    present = _evidence_kinds(ctx.evidence)
    missing = [k for k in params["kinds"] if k not in present]
    if not missing:
        return None
    return f"Please attach evidence of kind: {', '.join(missing)}."


@guard(
    "value_change_needs_evidence",
    Param("field", names="field", asks="number", optional_input=True),
    Param("of", names="limit"),
    Param("percent", "number"),
    Param("kind", names="evidence_kind", asks="evidence", optional_input=True),
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
