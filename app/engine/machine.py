"""The engine proper: may this trigger fire from this state, where does it go, and if not, why not.

One `transitions.Machine` per (definition name, version) is built once and cached. It is
built with `model=None` and never given a model: the engine only reads its structure
(triggers and candidate transitions per state). Roles, four-eyes, input and guards are
checked here rather than as `transitions` conditions, because conditions stop at the
first failure and we must report every reason at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

from transitions import Machine

from app.engine.catalog import run_guard
from app.engine.context import GuardContext
from app.engine.model import ActionRef, TransitionDef, WorkflowDefinition

Status = Literal["ok", "invalid_transition", "forbidden", "unprocessable"]
_FORBIDDING = frozenset({"role_required", "four_eyes"})


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason a transition may not fire: a snake_case code and a human sentence."""

    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The engine's answer for one trigger from one state."""

    trigger: str
    dest: str | None
    allowed: bool
    status: Status
    blocked_by: tuple[Blocker, ...] = ()
    actions: tuple[ActionRef, ...] = ()
    title: str = ""
    # The candidate that was chosen (or, when blocked, the first one); None if invalid.
    transition: TransitionDef | None = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    machine: Any
    # (trigger, source) -> candidate TransitionDefs, in the order added to the machine.
    candidates: dict[tuple[str, str], tuple[TransitionDef, ...]]


def _compile(defn: WorkflowDefinition) -> _Compiled:
    machine = Machine(
        model=None,
        states=list(defn.states),
        initial=defn.initial,
        transitions=[
            {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest}
            for t in defn.transitions
        ],
        auto_transitions=False,
        send_event=True,
        name=f"{defn.name}@{defn.version}",
    )
    candidates: dict[tuple[str, str], list[TransitionDef]] = {}
    for t in defn.transitions:
        for source in t.sources:
            candidates.setdefault((t.trigger, source), []).append(t)
    return _Compiled(machine, {k: tuple(v) for k, v in candidates.items()})


class Engine:
    """A cache of compiled machines plus the evaluation logic."""

    def __init__(self) -> None:
        """Start with an empty cache."""
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], _Compiled] = {}
        self.builds = 0

    def _compiled(self, defn: WorkflowDefinition) -> _Compiled:
        key = (defn.name, defn.version)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        # Double-checked: the fast path above takes no lock; only a miss serialises.
        with self._lock:
            hit = self._cache.get(key)
            if hit is None:
                hit = _compile(defn)
                self._cache[key] = hit
                self.builds += 1
        return hit

    def machine_for(self, defn: WorkflowDefinition) -> Any:
        """The cached `transitions.Machine` for this definition version."""
        return self._compiled(defn).machine

    def candidates(
        self, defn: WorkflowDefinition, state: str, trigger: str
    ) -> tuple[TransitionDef, ...]:
        """The transitions `trigger` may take from `state`, in definition order."""
        return self._compiled(defn).candidates.get((trigger, state), ())

    def triggers(self, defn: WorkflowDefinition, state: str) -> list[str]:
        """Triggers that exist from `state`, in definition order."""
        if state not in defn.states:
            return []
        return list(self.machine_for(defn).get_triggers(state))

    def evaluate(
        self,
        defn: WorkflowDefinition,
        state: str,
        trigger: str,
        ctx: GuardContext,
        *,
        check_input: bool = True,
    ) -> Verdict:
        """May `trigger` fire from `state` for this context, and where does it go."""
        compiled = self._compiled(defn)
        event = compiled.machine.events.get(trigger)
        # `.get`, never `[...]`: event.transitions is a defaultdict, and indexing a shared
        # machine would insert keys from request threads.
        if event is None or state not in defn.states or event.transitions.get(state) is None:
            return _invalid(defn, state, trigger, known=event is not None)
        candidates = compiled.candidates[(trigger, state)]
        results: list[tuple[TransitionDef, list[Blocker]]] = []
        for candidate in candidates:
            blockers = _check(candidate, ctx, check_input)
            if not blockers:
                return _verdict(defn, candidate, (), "ok")
            results.append((candidate, blockers))
        merged = tuple(dict.fromkeys(b for _, bs in results for b in bs))
        # Report 422 rather than 403 when some candidate is open to this actor and only
        # lacks input: the client can fix that.
        input_only = any(not any(b.code in _FORBIDDING for b in bs) for _, bs in results)
        status: Status = "unprocessable" if input_only else "forbidden"
        return _verdict(defn, candidates[0], merged, status)

    def options(self, defn: WorkflowDefinition, state: str, ctx: GuardContext) -> list[Verdict]:
        """A verdict for every trigger from `state`; reason/evidence are not counted."""
        return [
            self.evaluate(defn, state, trigger, ctx, check_input=False)
            for trigger in self.triggers(defn, state)
        ]


def _invalid(defn: WorkflowDefinition, state: str, trigger: str, *, known: bool) -> Verdict:
    if state not in defn.states:
        detail = f"'{state}' is not a state of {defn.name} version {defn.version}."
    elif not known:
        detail = f"{defn.name} has no transition '{trigger}'."
    else:
        detail = f"'{trigger}' cannot be done from state '{state}'."
    return Verdict(
        trigger=trigger,
        dest=None,
        allowed=False,
        status="invalid_transition",
        blocked_by=(Blocker("invalid_transition", detail),),
    )


def granted(defn: WorkflowDefinition, t: TransitionDef) -> Verdict:
    """The verdict firing `t` would get once every check passed (system work, write tests)."""
    return _verdict(defn, t, (), "ok")


def _verdict(
    defn: WorkflowDefinition, t: TransitionDef, blockers: tuple[Blocker, ...], status: Status
) -> Verdict:
    return Verdict(
        trigger=t.trigger,
        dest=t.dest,
        allowed=status == "ok",
        status=status,
        blocked_by=blockers,
        actions=(*defn.states[t.dest].on_enter, *t.actions),
        title=t.title,
        transition=t,
    )


def _check(t: TransitionDef, ctx: GuardContext, check_input: bool) -> list[Blocker]:
    """Every reason `t` may not fire: permissions first, then input, then guards."""
    blockers: list[Blocker] = []
    if not (ctx.roles & t.roles):
        roles = ", ".join(sorted(t.roles))
        blockers.append(Blocker("role_required", f"This needs one of these roles: {roles}."))
    proposer = t.not_by_actor_of
    # Four-eyes holds even for someone who holds both roles.
    if proposer is not None and ctx.history.get(proposer) == ctx.actor:
        detail = f"You did '{proposer}' on this case, so someone else must do '{t.trigger}'."
        blockers.append(Blocker("four_eyes", detail))
    if check_input:
        if t.requires_reason and (ctx.reason is None or not ctx.reason.strip()):
            blockers.append(Blocker("reason_required", "Please give a reason."))
        if len(ctx.evidence) < t.requires_evidence:
            detail = (
                f"Please attach at least {t.requires_evidence} evidence item(s);"
                f" {len(ctx.evidence)} given."
            )
            blockers.append(Blocker("evidence_required", detail))
    for ref in t.guards:
        failure = run_guard(ref.name, ctx, ref.params)
        if failure is not None:
            blockers.append(Blocker(ref.name, failure))
    return blockers


_ENGINE = Engine()


def get_engine() -> Engine:
    """The process-wide engine and its machine cache."""
    return _ENGINE


def machine_for(defn: WorkflowDefinition) -> Any:
    """The cached `transitions.Machine` for this definition version."""
    return _ENGINE.machine_for(defn)


def evaluate(
    defn: WorkflowDefinition,
    state: str,
    trigger: str,
    ctx: GuardContext,
    *,
    check_input: bool = True,
) -> Verdict:
    """May `trigger` fire from `state` for this context (see Engine.evaluate)."""
    return _ENGINE.evaluate(defn, state, trigger, ctx, check_input=check_input)


def options(defn: WorkflowDefinition, state: str, ctx: GuardContext) -> list[Verdict]:
    """A verdict for every trigger from `state` (see Engine.options)."""
    return _ENGINE.options(defn, state, ctx)
