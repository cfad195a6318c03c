"""Names across definitions: every workflow, state and field a guard or action names exists.

Read from each guard's and action's own description (params.py), so a guard added with
its `@guard(...)` line is checked like the rest: a misspelt workflow in any guard is a
`handover workflows check` failure, never a check that silently always passes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from app.engine.actions import ACTION_SPECS
from app.engine.catalog import GUARDS
from app.engine.context import CASE_FIELDS, CONTRACT_FIELDS
from app.engine.model import Problem, WorkflowDefinition
from app.engine.params import Param, ParamSpec

# Case columns a field path may name besides data entries (`children_have: {field: route}`).
COLUMN_FIELDS = frozenset({"route"})
Ref = tuple[str, ParamSpec, Mapping[str, Any]]
_AS_PATH = Param("limit", names="field")
"""How a limit is checked as a path: a plain field path from the root (contract., case.)."""


def refs(defn: WorkflowDefinition) -> Iterator[Ref]:
    """(path, spec, params) of every guard and action the definition uses."""
    for name, state in defn.states.items():
        for j, a in enumerate(state.on_enter):
            yield f"states.{name}.on_enter[{j}].params", ACTION_SPECS[a.name], a.params
    for i, t in enumerate(defn.transitions):
        for j, g in enumerate(t.guards):
            yield f"transitions[{i}].guards[{j}]", GUARDS[g.name].params, g.params
        for j, a in enumerate(t.actions):
            yield f"transitions[{i}].actions[{j}].params", ACTION_SPECS[a.name], a.params


def known_fields(defn: WorkflowDefinition) -> frozenset[str]:
    """The data keys a case of `defn` can hold: those its transitions take or actions set."""
    found = set(COLUMN_FIELDS)
    for t in defn.transitions:
        found |= t.takes
    for _path, spec, params in refs(defn):
        for param, value in spec.named(params, "field"):
            if param.defines:
                found.add(value)
    return frozenset(found)


def opened_by(defs: Mapping[str, WorkflowDefinition]) -> dict[str, set[str]]:
    """Workflow -> the workflows that open it as a child (decomposition, `open_case`)."""
    found: dict[str, set[str]] = {}
    for defn in defs.values():
        if defn.components is not None:
            found.setdefault(defn.components.workflow, set()).add(defn.name)
        for _path, spec, params in refs(defn):
            if spec is ACTION_SPECS["open_case"] and params.get("as_child", True):
                found.setdefault(str(params["workflow"]), set()).add(defn.name)
    return found


class _Checker:
    def __init__(self, defs: Mapping[str, WorkflowDefinition], known: set[str]) -> None:
        self.defs = defs
        self.known = known
        self.fields = {name: known_fields(d) for name, d in defs.items()}
        self.parents = opened_by(defs)

    def targets(
        self, defn: WorkflowDefinition, param: Param, params: Mapping[str, Any]
    ) -> list[str]:
        """The loaded workflows a state or field parameter belongs to."""
        if param.of_workflow is None:
            return [defn.name]
        if param.of_workflow == "parent":
            parents = self.parents.get(defn.name)
            return sorted(parents) if parents else sorted(self.defs)
        named = params.get(param.of_workflow)
        if isinstance(named, str):
            return [named] if named in self.defs else []
        return sorted(self.defs)  # no workflow given: any child's

    def problems(self, defn: WorkflowDefinition) -> Iterator[tuple[str, str]]:
        if defn.components is not None and defn.components.workflow not in self.known:
            yield "components.workflow", f"unknown workflow '{defn.components.workflow}'"
        for path, spec, params in refs(defn):
            for param, value in spec.named(params, "workflow"):
                if value not in self.known:
                    yield f"{path}.{param.name}", f"unknown workflow '{value}'"
            for param, value in spec.named(params, "state"):
                within = self.targets(defn, param, params)
                if within and not any(value in self.defs[w].states for w in within):
                    yield f"{path}.{param.name}", f"unknown state '{value}' of {_names(within)}"
            for param, value in spec.named(params, "field"):
                message = self.field(defn, param, params, value)
                if message:
                    yield f"{path}.{param.name}", message
            for param, value in spec.named(params, "limit"):
                # A limit read from the contract or case is a field path too: a misspelt one
                # would never be recorded, so the guard could never be met.
                message = self.field(defn, _AS_PATH, params, value)
                if message:
                    yield f"{path}.{param.name}", message

    def field(
        self, defn: WorkflowDefinition, param: Param, params: Mapping[str, Any], value: str
    ) -> str | None:
        if param.defines:
            return None
        path = param.root + value
        head, _, rest = path.partition(".")
        if param.of_workflow is not None:
            within = self.targets(defn, param, params)
            key = value.partition(".")[0]
            if within and not any(key in self.fields[w] for w in within):
                return f"unknown field '{key}' of {_names(within)}"
            return None
        if head == "contract":
            key = rest.partition(".")[0]
            return None if key in CONTRACT_FIELDS else f"unknown contract field '{key}'"
        if head == "case":
            key, _, sub = rest.partition(".")
            if key == "data":
                key = sub.partition(".")[0]
                known = key in self.fields[defn.name]
                return None if known else f"unknown field '{key}' of workflow '{defn.name}'"
            return None if key in CASE_FIELDS else f"unknown case field '{key}'"
        return None  # a request field (what the person sends), or today, actor, reason


def _names(workflows: list[str]) -> str:
    if len(workflows) == 1:
        return f"workflow '{workflows[0]}'"
    return "any workflow"


def reference_problems(
    defs: Mapping[str, WorkflowDefinition], sources: Mapping[str, str], known: set[str]
) -> list[Problem]:
    """Every workflow, state and field named by a guard or action that does not exist."""
    checker = _Checker(defs, known)
    return [
        Problem(sources[name], path, message)
        for name, defn in defs.items()
        for path, message in checker.problems(defn)
    ]
