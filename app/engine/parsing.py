"""Turn a parsed YAML document into a WorkflowDefinition, collecting every problem."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from app.auth.roles import ALL_ROLES
from app.engine.actions import ACTION_SPECS
from app.engine.catalog import GUARDS
from app.engine.graph import graph_problems
from app.engine.model import (
    ActionRef,
    Components,
    DefinitionError,
    GuardRef,
    Problem,
    StateDef,
    TransitionDef,
    WorkflowDefinition,
)
from app.engine.param_checks import NAME_RE, evidence_kind_problems, takes, untrusted_references
from app.engine.versioning import canonical_json, content_version

DOCUMENT = "(document)"

TOP_KEYS = (
    "name",
    "title",
    "label",
    "description",
    "initial",
    "states",
    "transitions",
    "components",
)
STATE_KEYS = ("name", "title", "description", "final", "tags", "on_enter")
TRANSITION_KEYS = (
    "trigger",
    "title",
    "description",
    "source",
    "dest",
    "roles",
    "guards",
    "requires_reason",
    "requires_evidence",
    "approval",
    "actions",
)
_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    list: "a list",
    dict: "a mapping",
}


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class _Parser:
    """One pass over one document; appends to `problems` instead of raising."""

    def __init__(self, source: str, body: Mapping[str, Any]) -> None:
        self.source = source
        self.body = body
        self.problems: list[Problem] = []
        # States with an outgoing transition, even one rejected for another reason,
        # so one bad transition does not also report its source as a dead end.
        self.outgoing: set[str] = set()
        # Parsed transitions by their index in the file (None where invalid).
        self.indexed: list[TransitionDef | None] = []
        # Every parsed on_enter action with its path, for checks that need all triggers.
        self.actions: list[tuple[str, ActionRef]] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, path, message))

    def take(
        self, item: Mapping[str, Any], path: str, key: str, typ: type, default: Any = None
    ) -> Any:
        """item[key] when present and of type `typ`; `default` (and a problem) otherwise."""
        if key not in item:
            if default is None:
                self.add(_join(path, key), "is required")
            return default
        value = item[key]
        # bool is an int subclass; `requires_evidence: true` is still a mistake.
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            self.add(_join(path, key), f"must be {_TYPE_NAMES[typ]}")
            return default
        return value

    def name(self, item: Mapping[str, Any], path: str, key: str) -> str | None:
        value = self.take(item, path, key, str)
        if value is not None and not NAME_RE.match(value):
            self.add(_join(path, key), "must be a plain name (letters, digits, underscores)")
            return None
        return value  # type: ignore[no-any-return]

    def unknown_keys(self, item: Mapping[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        for key in item:
            if key not in allowed:
                where = path or DOCUMENT
                self.add(where, f"unknown key '{key}' (expected one of: {', '.join(allowed)})")

    def mapping(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.add(path, "must be a mapping")
        return None

    # --- states ---------------------------------------------------------------------

    def states(self, raw: list[Any]) -> dict[str, StateDef]:
        states: dict[str, StateDef] = {}
        first: dict[str, int] = {}
        for i, value in enumerate(raw):
            item = self.mapping(value, f"states[{i}]")
            if item is None:
                continue
            name = item.get("name")
            path = (
                f"states.{name}"
                if isinstance(name, str) and NAME_RE.match(name)
                else f"states[{i}]"
            )
            if isinstance(name, str) and name in first:
                self.add(
                    f"states[{i}]",
                    f"duplicate state name '{name}' (first at states[{first[name]}])",
                )
                continue
            state = self.state(item, path, f"states[{i}]")
            if state is not None:
                first[state.name] = i
                states[state.name] = state
        return states

    def state(self, item: Mapping[str, Any], path: str, index_path: str) -> StateDef | None:
        self.unknown_keys(item, path, STATE_KEYS)
        name = self.name(item, index_path, "name")
        title = self.take(item, path, "title", str, default=name or "")
        tags = self.take(item, path, "tags", list, default=[])
        if not all(isinstance(t, str) for t in tags):
            self.add(_join(path, "tags"), "must be a list of strings")
        actions = self.action_list(item, path, "on_enter")
        if name is None:
            return None
        return StateDef(
            name=name,
            title=title,
            description=self.take(item, path, "description", str, default=""),
            final=self.take(item, path, "final", bool, default=False),
            tags=tuple(t for t in tags if isinstance(t, str)),
            on_enter=actions,
        )

    def action_list(self, item: Mapping[str, Any], path: str, key: str) -> tuple[ActionRef, ...]:
        raw = self.take(item, path, key, list, default=[])
        return tuple(
            a
            for j, entry in enumerate(raw)
            if (a := self.action(entry, _join(_join(path, key), j))) is not None
        )

    def action(self, raw: Any, path: str) -> ActionRef | None:
        if isinstance(raw, str):
            raw = {"action": raw}
        item = self.mapping(raw, path)
        if item is None:
            return None
        self.unknown_keys(item, path, ("action", "params"))
        name = self.take(item, path, "action", str)
        params = self.take(item, path, "params", dict, default={})
        if name is None:
            return None
        spec = ACTION_SPECS.get(name)
        if spec is None:
            self.add(path, f"unknown action '{name}' (known: {', '.join(sorted(ACTION_SPECS))})")
            return None
        problems = spec.problems(f"action '{name}'", params)
        for message in problems:
            self.add(_join(path, "params"), message)
        if problems:
            return None
        ref = ActionRef(name, MappingProxyType(spec.with_defaults(params)))
        self.actions.append((path, ref))
        return ref

    # --- transitions ----------------------------------------------------------------

    def sources(
        self, item: Mapping[str, Any], path: str, states: Mapping[str, StateDef], dest: Any
    ) -> tuple[str, ...]:
        raw = item.get("source")
        if "source" not in item:
            self.add(_join(path, "source"), "is required")
            return ()
        if raw == "*":
            # "*" means every non-final state other than the destination: a self-loop
            # from "*" (e.g. `put_on_hold` from on_hold) is never what the author meant.
            every = tuple(n for n, s in states.items() if not s.final and n != dest)
            if not every:
                self.add(_join(path, "source"), '"*" matches no state')
            return every
        names = [raw] if isinstance(raw, str) else raw
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            self.add(_join(path, "source"), 'must be a state name, a list of names, or "*"')
            return ()
        out: list[str] = []
        for name in names:
            if name not in states:
                self.add(_join(path, "source"), f"unknown state '{name}'")
            elif states[name].final:
                self.add(_join(path, "source"), f"no transition may leave final state '{name}'")
            elif name not in out:
                out.append(name)
        return tuple(out)

    def roles(self, item: Mapping[str, Any], path: str) -> frozenset[str]:
        raw = self.take(item, path, "roles", list)
        if raw is None:
            return frozenset()
        if not raw:
            self.add(_join(path, "roles"), "must name at least one role")
        for role in raw:
            if not isinstance(role, str) or role not in ALL_ROLES:
                self.add(_join(path, "roles"), f"unknown role {role!r}")
        return frozenset(r for r in raw if isinstance(r, str) and r in ALL_ROLES)

    def guards(self, item: Mapping[str, Any], path: str) -> tuple[GuardRef, ...]:
        raw = self.take(item, path, "guards", list, default=[])
        out: list[GuardRef] = []
        for j, entry in enumerate(raw):
            ref = self.guard(entry, f"{_join(path, 'guards')}[{j}]")
            if ref is not None:
                out.append(ref)
        return tuple(out)

    def guard(self, entry: Any, path: str) -> GuardRef | None:
        params: Any = {}
        if isinstance(entry, dict) and len(entry) == 1:
            name, params = next(iter(entry.items()))
            params = {} if params is None else params
        elif isinstance(entry, str):
            name = entry
        else:
            self.add(path, "must be a guard name or a one-key mapping {name: {params}}")
            return None
        if not isinstance(params, dict):
            self.add(path, f"parameters of guard '{name}' must be a mapping")
            return None
        spec = GUARDS.get(name)
        if spec is None:
            self.add(path, f"unknown guard '{name}' (known: {', '.join(sorted(GUARDS))})")
            return None
        problems = spec.params.problems(f"guard '{name}'", params)
        problems += untrusted_references(name, spec.params, params)
        problems += evidence_kind_problems(f"guard '{name}'", spec.params, params)
        for message in problems:
            self.add(path, message)
        return None if problems else GuardRef(name, MappingProxyType(dict(params)))

    def approval(self, item: Mapping[str, Any], path: str) -> str | None:
        raw = self.take(item, path, "approval", dict, default={})
        apath = _join(path, "approval")
        self.unknown_keys(raw, apath, ("not_by_actor_of",))
        if "not_by_actor_of" not in raw:
            return None
        return self.take(raw, apath, "not_by_actor_of", str)  # type: ignore[no-any-return]

    def transition(
        self, item: Mapping[str, Any], path: str, states: Mapping[str, StateDef]
    ) -> TransitionDef | None:
        self.unknown_keys(item, path, TRANSITION_KEYS)
        trigger = self.name(item, path, "trigger")
        dest = self.take(item, path, "dest", str)
        if dest is not None and dest not in states:
            self.add(_join(path, "dest"), f"unknown state '{dest}'")
            dest = None
        sources = self.sources(item, path, states, dest)
        # A self-loop is no way out: a state whose only exit returns to it is a dead end.
        self.outgoing.update(s for s in sources if s != dest)
        roles = self.roles(item, path)
        guards = self.guards(item, path)
        evidence = self.take(item, path, "requires_evidence", int, default=0)
        if evidence < 0:
            self.add(_join(path, "requires_evidence"), "must not be negative")
        fields = {
            "title": self.take(item, path, "title", str, default=trigger or ""),
            "description": self.take(item, path, "description", str, default=""),
            "requires_reason": self.take(item, path, "requires_reason", bool, default=False),
            "not_by_actor_of": self.approval(item, path),
            "actions": self.action_list(item, path, "actions"),
        }
        if trigger is None or dest is None or not sources:
            return None
        return TransitionDef(
            trigger=trigger,
            sources=sources,
            dest=dest,
            roles=roles,
            guards=guards,
            takes=takes(guards),
            requires_evidence=max(evidence, 0),
            **fields,
        )

    def components(self, states: Mapping[str, StateDef]) -> Components | None:
        raw = self.take(self.body, "", "components", dict, default={})
        if not raw:
            return None
        self.unknown_keys(raw, "components", ("workflow", "states"))
        workflow = self.name(raw, "components", "workflow")
        names = self.take(raw, "components", "states", list)
        for name in names or []:
            if name not in states:
                self.add("components.states", f"unknown state {name!r}")
        if workflow is None or not names:
            return None
        return Components(workflow, tuple(str(n) for n in names))

    # --- document -------------------------------------------------------------------

    def document(self) -> WorkflowDefinition | None:
        body = self.body
        self.unknown_keys(body, "", TOP_KEYS)
        name = self.name(body, "", "name")
        title = self.take(body, "", "title", str)
        label = body.get("label", "")
        if not isinstance(label, str | int) or isinstance(label, bool):
            self.add("label", "must be a string")
            label = ""
        description = self.take(body, "", "description", str, default="")
        initial = self.take(body, "", "initial", str)
        raw_states = self.take(body, "", "states", list)
        raw_transitions = self.take(body, "", "transitions", list)
        states = self.states(raw_states or [])
        if raw_states is not None and not raw_states:
            self.add("states", "must list at least one state")
        if initial is not None and states and initial not in states:
            self.add("initial", f"unknown state '{initial}'")
        for i, raw in enumerate(raw_transitions or []):
            item = self.mapping(raw, f"transitions[{i}]")
            self.indexed.append(
                None if item is None else self.transition(item, f"transitions[{i}]", states)
            )
        transitions = [t for t in self.indexed if t is not None]
        components = self.components(states)
        for path, message in graph_problems(
            initial, states, self.indexed, self.outgoing, self.actions
        ):
            self.add(path, message)
        if self.problems or name is None or title is None or initial is None:
            return None
        return WorkflowDefinition(
            name=name,
            title=title,
            description=description,
            label=str(label),
            version=content_version(body),
            initial=initial,
            states=MappingProxyType(states),
            transitions=tuple(transitions),
            body=body,
            components=components,
        )


def parse_definition(doc: Any, source: str) -> WorkflowDefinition:
    """Validate a parsed YAML document; raise DefinitionError listing every problem."""
    if not isinstance(doc, dict):
        raise DefinitionError([Problem(source, DOCUMENT, "must be a mapping")])
    try:
        # Normalise to plain JSON so the stored body re-parses to the same version.
        body = json.loads(canonical_json(doc))
    except (TypeError, ValueError) as exc:
        raise DefinitionError(
            [Problem(source, DOCUMENT, f"cannot be represented as JSON: {exc}")]
        ) from exc
    parser = _Parser(source, body)
    defn = parser.document()
    if defn is None:
        raise DefinitionError(parser.problems)
    return defn
