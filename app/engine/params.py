"""How guards and actions describe themselves: parameters, what they name, what they ask.

One description per guard or action is the single source for checking a definition (value
kinds here, names across workflows in `references.py`), for the inputs a transition asks
of the person firing it (`inputs.py`), and for the generated guard documentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# Value kinds a parameter may declare; checked when a definition is loaded.
KINDS: Mapping[str, str] = {
    "str": "a non-empty string",
    "int": "an integer",
    "number": "a number",
    "bool": "true or false",
    "list": "a non-empty list",
    "list[str]": "a non-empty list of strings",
    "any": "any value",
}

# What a parameter's value (or each item of a list value) names, checked across workflows:
# a workflow, a state, a trigger, a field path (request, case, contract), a limit (a
# trusted path or a date the request value is compared with), or an evidence kind.
Names = Literal["workflow", "state", "trigger", "field", "limit", "evidence_kind"]
# The input a request field is asked as; "evidence" for evidence kinds.
Asks = Literal["text", "date", "number", "choice", "evidence"]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its value kind, whether it is required, and what it names or asks."""

    name: str
    kind: str = "str"
    required: bool = True
    default: Any = None
    names: Names | None = None
    # For a field: the path prefix the value is relative to ("contract.", "case.data.").
    root: str = ""
    # For a state or field of another workflow: the parameter naming that workflow
    # ("parent": the workflow that opens this one). Unset means this definition's own.
    of_workflow: str | None = None
    # A request field (or evidence kind) this parameter names is asked of the person.
    asks: Asks | None = None
    # For asks="choice": the parameter holding the allowed values.
    choices: str | None = None
    # The field named is one this parameter gives a value (it need not be recorded yet).
    defines: bool = False
    # The input is offered but may be left out (a blank value passes the guard).
    optional_input: bool = False
    # The only values the parameter may take.
    one_of: tuple[str, ...] | None = None
    doc: str = ""


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """A guard's or action's parameters and what it is about (`looks_at`: children, ...)."""

    params: tuple[Param, ...] = ()
    doc: str = ""
    looks_at: frozenset[str] = field(default_factory=frozenset)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required parameters."""
        return tuple(p.name for p in self.params if p.required)

    @property
    def optional(self) -> tuple[str, ...]:
        """Names of the optional parameters."""
        return tuple(p.name for p in self.params if not p.required)

    @property
    def types(self) -> Mapping[str, str]:
        """Value kind by parameter name."""
        return {p.name: p.kind for p in self.params}

    @property
    def defaults(self) -> Mapping[str, Any]:
        """Defaults of the optional parameters that have one."""
        return {p.name: p.default for p in self.params if p.default is not None}

    def param(self, name: str) -> Param | None:
        """The parameter called `name`, if declared."""
        return next((p for p in self.params if p.name == name), None)

    def problems(self, what: str, params: Mapping[str, Any]) -> list[str]:
        """Messages for unknown, missing and wrongly-typed parameters of `what`."""
        out: list[str] = []
        allowed = (*self.required, *self.optional)
        for key in params:
            if key not in allowed:
                expected = ", ".join(allowed) if allowed else "none"
                out.append(f"unknown parameter '{key}' for {what} (expected: {expected})")
        for key in self.required:
            if key not in params:
                out.append(f"{what} requires parameter '{key}'")
        types = self.types
        for key, value in params.items():
            kind = types.get(key, "any")
            if key in allowed and not kind_ok(kind, value):
                out.append(f"parameter '{key}' of {what} must be {KINDS[kind]}")
        for p in self.params:
            if p.one_of is not None and p.name in params and params[p.name] not in p.one_of:
                out.append(f"parameter '{p.name}' of {what} must be one of: {', '.join(p.one_of)}")
        return out

    def with_defaults(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters with omitted optional ones set to their defaults."""
        return {**self.defaults, **params}

    def named(self, params: Mapping[str, Any], names: Names) -> list[tuple[Param, str]]:
        """Each (parameter, value) in `params` that names a `names` (list items one by one)."""
        out: list[tuple[Param, str]] = []
        for p in self.params:
            if p.names != names or p.name not in params:
                continue
            value = params[p.name]
            items = value if isinstance(value, list) else [value]
            out += [(p, v) for v in items if isinstance(v, str)]
        return out


def spec(*params: Param, doc: str = "", looks_at: tuple[str, ...] = ()) -> ParamSpec:
    """A ParamSpec from its parameters."""
    return ParamSpec(tuple(params), doc, frozenset(looks_at))


def kind_ok(kind: str, value: Any) -> bool:
    """Whether `value` is of the declared parameter kind."""
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str) and value.strip() != ""
    if kind == "bool":
        return isinstance(value, bool)
    # bool is a subclass of int: `days: true` must not pass as a number.
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int)
    if kind == "number":
        return isinstance(value, int | float)
    if kind == "list":
        return isinstance(value, list) and len(value) > 0
    if kind == "list[str]":
        return (
            isinstance(value, list)
            and len(value) > 0
            and all(isinstance(v, str) and v for v in value)
        )
    raise ValueError(f"unknown parameter kind {kind!r}")
