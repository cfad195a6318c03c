"""Immutable value types of a parsed workflow definition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a definition file, printed as `file: path: message`."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        """Render as `file: path: message`."""
        return f"{self.file}: {self.path}: {self.message}"


class DefinitionError(Exception):
    """Raised when one or more definition files are invalid; carries every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        """Keep every problem; the message lists them one per line."""
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class GuardRef:
    """A named guard with its parameters, as written in the definition."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActionRef:
    """A named on-enter action with its parameters (defaults filled in)."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StateDef:
    """One state of a workflow."""

    name: str
    title: str
    description: str = ""
    final: bool = False
    tags: tuple[str, ...] = ()
    on_enter: tuple[ActionRef, ...] = ()


@dataclass(frozen=True, slots=True)
class TransitionDef:
    """One transition; `sources` is already expanded from "*"."""

    trigger: str
    title: str
    sources: tuple[str, ...]
    dest: str
    roles: frozenset[str]
    guards: tuple[GuardRef, ...] = ()
    requires_reason: bool = False
    requires_evidence: int = 0
    not_by_actor_of: str | None = None
    description: str = ""
    # Run after the destination's on-enter actions, only when this transition fires.
    actions: tuple[ActionRef, ...] = ()

    # The request fields the guards ask for (parsing derives them from the guards' own
    # descriptions): the data this transition takes into the case.
    takes: frozenset[str] = frozenset()

    def payload_fields(self) -> frozenset[str]:
        """The payload keys this transition's guards ask for: the data it takes into the case."""
        return self.takes


@dataclass(frozen=True, slots=True)
class Components:
    """Decomposition: in `states`, each service line found opens a child case of `workflow`."""

    workflow: str
    states: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorkflowDefinition:
    """A validated workflow definition pinned to a content-hash version."""

    name: str
    title: str
    description: str
    label: str
    version: str
    initial: str
    states: Mapping[str, StateDef]
    transitions: tuple[TransitionDef, ...]
    body: Mapping[str, Any]
    components: Components | None = None

    @property
    def key(self) -> tuple[str, str]:
        """The (name, version) pair that identifies this definition."""
        return (self.name, self.version)

    def is_final(self, state: str) -> bool:
        """Whether `state` is a final state (False for unknown states)."""
        found = self.states.get(state)
        return found is not None and found.final
