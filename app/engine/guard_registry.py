"""The guard registry: named guard functions, each with its self-description.

A guard returns None when it passes, or one human sentence saying why not; the failure
code is the guard's name. Guards must never raise on bad client input. Its registration
says everything else the system needs to know (see params.py): adding a guard is writing
one function with its `@guard(...)` line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
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


GUARDS: dict[str, GuardSpec] = {}


def guard(
    name: str, *params: Param, looks_at: tuple[str, ...] = ()
) -> Callable[[GuardFn], GuardFn]:
    """Register a guard function under `name`, described by its parameters and docstring."""

    def register(fn: GuardFn) -> GuardFn:
        if name in GUARDS:
            raise ValueError(f"guard {name!r} is already registered")
        doc = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        GUARDS[name] = GuardSpec(name, fn, spec(*params, doc=doc, looks_at=looks_at))
        return fn

    return register


def run_guard(name: str, ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Run the named guard; None means it passes."""
    return GUARDS[name].fn(ctx, params)


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


def _load_builtins() -> None:
    # The built-in guards register themselves on import; importing the registry is enough
    # to see them all, whoever imports it first.
    from app.engine import guards, guards_dates, guards_family  # noqa: F401


_load_builtins()
