"""How an action a definition names runs: what it changes on the case, and what it does after.

An action's `change` edits a Draft of the case before the state is written, so the state,
the data and every action's edits reach the row in the one versioned UPDATE of the
transition (one write, version +1). Its `effect` runs after that write, in the same
transaction, for work on other rows: deadlines, child cases, the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.cases.ctx import Ctx
from app.cases.models import Case


@dataclass
class Draft:
    """The case's data and route as the transition will leave them; changes edit this."""

    data: dict[str, Any]
    route: str | None


@dataclass(frozen=True, slots=True)
class Fired:
    """What an effect may need of its transition; no trigger when a case is being opened."""

    trigger: str | None
    title: str
    reason: str | None
    evidence: Sequence[Mapping[str, Any]] = ()


ChangeFn = Callable[[Draft, Mapping[str, Any]], None]
EffectFn = Callable[[Ctx, Case, Mapping[str, Any], Fired], None]


@dataclass(frozen=True, slots=True)
class Action:
    """The implementation of one declared action: a change to the case, an effect, or both."""

    change: ChangeFn | None = None
    effect: EffectFn | None = None


def set_case_field(draft: Draft, params: Mapping[str, Any]) -> None:
    """Change: case.data[field] = value."""
    draft.data[params["field"]] = params["value"]


def clear_case_fields(draft: Draft, params: Mapping[str, Any]) -> None:
    """Change: drop each of `fields` from case.data; `route` also clears the case's route."""
    fields = set(params["fields"])
    draft.data = {k: v for k, v in draft.data.items() if k not in fields}
    if "route" in fields:
        draft.route = None
