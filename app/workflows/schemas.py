"""Workflow definitions as the API shows them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.engine import WorkflowDefinition


class StateOut(BaseModel):
    """A state of a workflow."""

    name: str
    title: str
    description: str
    final: bool
    initial: bool
    tags: list[str]
    on_enter: list[dict[str, Any]]


class TransitionOut(BaseModel):
    """A transition of a workflow."""

    trigger: str
    title: str
    sources: list[str]
    dest: str
    roles: list[str]
    guards: list[dict[str, Any]]
    requires_reason: bool
    requires_evidence: int
    not_by_actor_of: str | None
    actions: list[dict[str, Any]] = []


class WorkflowSummary(BaseModel):
    """A workflow in the list."""

    name: str
    title: str
    version: str
    label: str
    description: str


class WorkflowOut(WorkflowSummary):
    """A workflow with its states and transitions."""

    initial: str
    states: list[StateOut]
    transitions: list[TransitionOut]
    versions: list[dict[str, Any]] = []


def summary(d: WorkflowDefinition) -> WorkflowSummary:
    """The list entry of a definition."""
    return WorkflowSummary(
        name=d.name, title=d.title, version=d.version, label=d.label, description=d.description
    )


def detail(d: WorkflowDefinition) -> WorkflowOut:
    """The full representation of a definition."""
    return WorkflowOut(
        **summary(d).model_dump(),
        initial=d.initial,
        states=[
            StateOut(
                name=s.name,
                title=s.title,
                description=s.description,
                final=s.final,
                initial=s.name == d.initial,
                tags=list(s.tags),
                on_enter=[{"action": a.name, "params": dict(a.params)} for a in s.on_enter],
            )
            for s in d.states.values()
        ],
        transitions=[
            TransitionOut(
                trigger=t.trigger,
                title=t.title,
                sources=list(t.sources),
                dest=t.dest,
                roles=sorted(t.roles),
                guards=[{"name": g.name, "params": dict(g.params)} for g in t.guards],
                requires_reason=t.requires_reason,
                requires_evidence=t.requires_evidence,
                not_by_actor_of=t.not_by_actor_of,
                actions=[{"action": a.name, "params": dict(a.params)} for a in t.actions],
            )
            for t in d.transitions
        ],
    )
