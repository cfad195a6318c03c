"""The guard registry: named guard functions, each with its self-description.

A guard returns None when it passes, or one human sentence saying why not; the failure
code is the guard's name. Guards must never raise on bad client input. Its registration
says everything else the system needs to know (see params.py): adding a guard is writing
one function with its `@guard(...)` line; catalog.py lists the modules holding guards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from app.engine.context import GuardContext, resolve
from app.engine.params import Param, ParamSpec, spec

GuardFn = Callable[[GuardContext, Mapping[str, Any]], str | None]


@dataclass(frozen=True, slots=True)
class GuardSpec:
    """A registered guard: its function and parameter spec."""

    name: str
    fn: GuardFn
    params: ParamSpec


_SPEC = "__guard_spec__"


def guard(
    name: str, *params: Param, looks_at: tuple[str, ...] = ()
) -> Callable[[GuardFn], GuardFn]:
    """Describe a guard function as `name` with its parameters (its docstring is its doc)."""

    def describe(fn: GuardFn) -> GuardFn:
        doc = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        setattr(fn, _SPEC, GuardSpec(name, fn, spec(*params, doc=doc, looks_at=looks_at)))
        return fn

    return describe


def collect(*modules: ModuleType) -> dict[str, GuardSpec]:
    """Every described guard in these modules, by name; a name used twice is an error."""
    found: dict[str, GuardSpec] = {}
    for module in modules:
        for value in vars(module).values():
            described = getattr(value, _SPEC, None)
            if not isinstance(described, GuardSpec) or described.fn is not value:
                continue
            if described.name in found:
                raise ValueError(f"guard {described.name!r} is described twice")
            found[described.name] = described
    return found


# Optional on some guards: check only when the value at `when_field` is in `when_values`;
# what such a guard asks for is then never required.
WHEN = (
    Param("when_field", required=False, names="field", doc="the path whose value decides"),
    Param("when_values", "list", required=False, doc="the values for which the guard applies"),
)


def applies(ctx: GuardContext, params: Mapping[str, Any]) -> bool:
    """Whether a guard with `when_field` applies to this request."""
    if "when_field" not in params:
        return True
    value = resolve(ctx, params["when_field"])
    return any(value == v and type(value) is type(v) for v in params.get("when_values", []))
