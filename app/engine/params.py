"""Parameter specs shared by guards and actions: which names, which value kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """Required and optional parameter names, their kinds and defaults."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    types: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)

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
        for key, value in params.items():
            kind = self.types.get(key, "any")
            if key in allowed and not kind_ok(kind, value):
                out.append(f"parameter '{key}' of {what} must be {KINDS[kind]}")
        return out

    def with_defaults(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters with omitted optional ones set to their defaults."""
        return {**self.defaults, **params}
