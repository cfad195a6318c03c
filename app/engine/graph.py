"""Checks on a definition as a whole: references between transitions, dead ends, reachability."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set

from app.engine.actions import ACTION_SPECS
from app.engine.model import ActionRef, StateDef, TransitionDef
from app.engine.versioning import canonical_json

Found = list[tuple[str, str]]


def graph_problems(
    initial: str | None,
    states: Mapping[str, StateDef],
    indexed: Sequence[TransitionDef | None],
    outgoing: Set[str],
    actions: Sequence[tuple[str, ActionRef]],
) -> Found:
    """(path, message) for every whole-graph problem; `indexed` holds None where invalid."""
    transitions = [t for t in indexed if t is not None]
    triggers = {t.trigger for t in transitions}
    found: Found = []
    for i, t in enumerate(indexed):
        if t is not None and t.not_by_actor_of and t.not_by_actor_of not in triggers:
            found.append(
                (
                    f"transitions[{i}].approval.not_by_actor_of",
                    f"unknown trigger '{t.not_by_actor_of}'",
                )
            )
    for path, action in actions:
        for param, value in ACTION_SPECS[action.name].named(action.params, "trigger"):
            if value not in triggers:
                found.append((f"{path}.params.{param.name}", f"unknown trigger '{value}'"))
    found += _ambiguous(indexed)
    for name, state in states.items():
        if not state.final and name not in outgoing:
            found.append((f"states.{name}", "non-final state has no outgoing transition"))
    if initial is not None and initial in states:
        reached = _reachable(initial, transitions)
        found += [
            (f"states.{name}", f"unreachable from initial state '{initial}'")
            for name in states
            if name not in reached
        ]
    return found


def _reachable(initial: str, transitions: Sequence[TransitionDef]) -> set[str]:
    reached = {initial}
    frontier = [initial]
    while frontier:
        here = frontier.pop()
        for t in transitions:
            if here in t.sources and t.dest not in reached:
                reached.add(t.dest)
                frontier.append(t.dest)
    return reached


def _ambiguous(indexed: Sequence[TransitionDef | None]) -> Found:
    """Same trigger from the same source with identical guards: the later never runs."""
    seen: dict[tuple[str, str, str], int] = {}
    found: Found = []
    for i, t in enumerate(indexed):
        if t is None:
            continue
        # Sorted: the same guards listed in another order tell nothing more apart.
        signature = canonical_json(
            sorted(canonical_json([g.name, dict(g.params)]) for g in t.guards)
        )
        clashes: list[str] = []
        for source in t.sources:
            key = (t.trigger, source, signature)
            if key in seen:
                clashes.append(f"'{source}' (as transitions[{seen[key]}])")
            else:
                seen[key] = i
        if clashes:
            found.append(
                (
                    f"transitions[{i}]",
                    f"trigger '{t.trigger}' from {', '.join(clashes)} has the same guards;"
                    " no guard tells them apart",
                )
            )
    return found
