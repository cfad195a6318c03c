"""The guard and action reference, written from their own descriptions (docs/guards.md)."""

from __future__ import annotations

from app.engine.actions import ACTION_SPECS
from app.engine.catalog import GUARDS
from app.engine.params import KINDS, Param, ParamSpec

HEADER = """# Guards and actions

Generated from the guards' and actions' own descriptions by `handover workflows guide`;
do not edit by hand (a test compares this file with the output).

A parameter that *names* something is checked by `handover workflows check`: a workflow
must exist, a state must be one of that workflow, a trigger one of this workflow, a field
one a case of that workflow can hold (or a contract field), a limit must not come from
the request. A parameter that *asks* for something is an input of the transition, shown
in `GET /api/cases/{id}/transitions` under `inputs`.
"""


def _param(p: Param) -> str:
    what = [KINDS[p.kind], "required" if p.required else "optional"]
    if p.one_of:
        what.append("one of " + ", ".join(p.one_of))
    if p.default is not None:
        what.append(f"default {p.default!r}")
    parts: list[str] = []
    if p.names:
        whose = f" of the workflow in `{p.of_workflow}`" if p.of_workflow else ""
        root = f" under `{p.root}`" if p.root else ""
        parts.append(f"names a {p.names.replace('_', ' ')}{root}{whose}")
    if p.asks:
        parts.append(f"asks for {p.asks}" + (" (may be left out)" if p.optional_input else ""))
    if p.doc:
        parts.append(p.doc)
    return f"- `{p.name}` ({', '.join(what)})" + (": " + "; ".join(parts) if parts else "")


def _entry(name: str, spec: ParamSpec) -> list[str]:
    lines = [f"### `{name}`", "", spec.doc or "(undocumented)", ""]
    if spec.looks_at:
        lines += [f"Looks at: {', '.join(sorted(spec.looks_at))}.", ""]
    lines += [_param(p) for p in spec.params] or ["No parameters."]
    return [*lines, ""]


def guide_markdown() -> str:
    """The whole reference, guards then actions, by name."""
    lines = [HEADER, "## Guards", ""]
    for name in sorted(GUARDS):
        lines += _entry(name, GUARDS[name].params)
    lines += ["## Actions", ""]
    for name in sorted(ACTION_SPECS):
        lines += _entry(name, ACTION_SPECS[name])
    return "\n".join(lines).rstrip() + "\n"
