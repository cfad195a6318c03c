"""Case rules: open and transition (DESIGN.md's transition path), and the on-enter actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from operator import eq, gt
from typing import Any, cast

from sqlalchemy import Select, Table, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.audit import chain
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.cases import deadlines as case_deadlines
from app.cases.actions import Action, Draft, Fired, clear_case_fields, set_case_field
from app.cases.context import TRANSITIONED, guard_context
from app.cases.ctx import SYSTEM as SYSTEM
from app.cases.ctx import Ctx as Ctx
from app.cases.extension import apply_contract_extension
from app.cases.models import Case
from app.cases.rules import add_case, check_top_level
from app.contracts.models import Contract
from app.db.filters import where_given
from app.engine import ActionRef, Verdict, WorkflowDefinition, get_engine
from app.errors import Conflict, Forbidden, Unprocessable, found
from app.etag import check_version
from app.handover import service as handover
from app.outbox import service as outbox
from app.workflows.registry import ensure_stored


def get(*, session: Session, case_id: int) -> Case:
    """One case or 404."""
    return found(session.get(Case, case_id), "case", case_id)


def definition_of(ctx: Ctx, case: Case) -> WorkflowDefinition:
    """The definition version the case is pinned to."""
    return ctx.registry.get(ctx.session, case.workflow, case.workflow_version)


def open_case(
    ctx: Ctx,
    *,
    workflow: str,
    contract_id: int | None,
    title: str | None = None,
    parent: Case | None = None,
    component_id: int | None = None,
    assignee: str | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """Open a case on the current version of a workflow; audited as case.opened."""
    defn = ctx.registry.latest(workflow)
    if parent is None:
        check_top_level(
            ctx.session, ctx.registry.current, workflow=defn.name, contract_id=contract_id
        )
    contract = ctx.session.get(Contract, contract_id) if contract_id is not None else None
    if contract_id is not None and contract is None:
        raise Unprocessable(
            f"no contract with id {contract_id}",
            problems=[{"field": "contract_id", "message": "no such contract"}],
        )
    now = ctx.clock.now()
    ensure_stored(ctx.session, defn, now)
    # Entering the initial state is an entry like any other: its actions run too, their
    # changes going into the INSERT.
    entry = defn.states[defn.initial].on_enter
    draft = _draft(entry, Draft(dict(data or {}), None))
    case = Case(
        workflow=defn.name,
        workflow_version=defn.version,
        state=defn.initial,
        final=defn.is_final(defn.initial),
        contract_id=contract_id,
        title=title or (f"{defn.title}: {contract.title}" if contract else defn.title)[:300],
        parent_id=parent.id if parent else None,
        component_id=component_id,
        assignee=assignee,
        data=draft.data,
        route=draft.route,
        created_at=now,
        updated_at=now,
    )
    add_case(ctx.session, case)
    _record_opened(ctx, case, defn, now)
    _effects(ctx, case, entry, Fired(trigger=None, title=defn.title, reason=None))
    case_deadlines.on_case_changed(ctx.session, case, defn, now, ctx.settings)
    return case


def _record_opened(ctx: Ctx, case: Case, defn: WorkflowDefinition, now: datetime) -> None:
    audit.record(
        session=ctx.session,
        actor=ctx.actor,
        action="case.opened",
        at=now,
        case_id=case.id,
        contract_id=case.contract_id,
        to_state=case.state,
        details={
            "workflow": defn.name,
            "workflow_version": defn.version,
            "parent_id": case.parent_id,
            "title": case.title,
        },
    )


def transition(
    ctx: Ctx,
    *,
    case: Case,
    trigger: str,
    reason: str | None,
    data: Mapping[str, Any],
    evidence: Sequence[Mapping[str, Any]],
    expected_version: int | None = None,
    if_match: int | None = None,
) -> AuditEvent:
    """Fire a trigger: version check, engine check, state change, audit, actions, hooks."""
    check_version("case", case.version, if_match=if_match, expected=expected_version)
    defn = definition_of(ctx, case)
    gctx = guard_context(
        ctx.session,
        case,
        actor=ctx.actor,
        clock=ctx.clock,
        data=data,
        evidence=evidence,
        reason=reason,
    )
    verdict = get_engine().evaluate(defn, case.state, trigger, gctx)
    refuse(verdict)
    event = apply_verdict(ctx, case, defn, verdict, reason=reason, data=data, evidence=evidence)
    chain.seal(ctx.session)  # last: the response carries the sealed event
    return event


def refuse(verdict: Verdict) -> None:
    """Raise the error a refused verdict stands for: 409, 403 or 422 with every reason."""
    if verdict.allowed:
        return
    problems = [{"code": b.code, "detail": b.detail} for b in verdict.blocked_by]
    detail = " ".join(b.detail for b in verdict.blocked_by)
    if verdict.status == "invalid_transition":
        raise Conflict(detail, code="invalid_transition", problems=problems)
    if verdict.status == "forbidden":
        codes = {b.code for b in verdict.blocked_by}
        raise Forbidden(
            detail, code="four_eyes" if "four_eyes" in codes else "role_required", problems=problems
        )
    raise Unprocessable(detail, code="transition_blocked", problems=problems)


def apply_verdict(
    ctx: Ctx,
    case: Case,
    defn: WorkflowDefinition,
    verdict: Verdict,
    *,
    reason: str | None,
    data: Mapping[str, Any],
    evidence: Sequence[Mapping[str, Any]],
) -> AuditEvent:
    """Carry out an allowed verdict: one versioned write of the case, its audit event, effects."""
    assert verdict.dest is not None and verdict.transition is not None
    now = ctx.clock.now()
    from_state = case.state
    # Only the values the transition's guards checked enter the case: anything else could
    # overwrite what earlier decisions (or the workflow's own actions) recorded unchecked.
    taken = {k: v for k, v in data.items() if k in verdict.transition.payload_fields()}
    route = taken["route"] if isinstance(taken.get("route"), str) else case.route
    draft = _draft(verdict.actions, Draft({**case.data, **taken}, route))
    changes: dict[str, Any] = {
        "state": verdict.dest,
        "final": defn.is_final(verdict.dest),
        "updated_at": now,
    }
    if draft.data != case.data:
        changes["data"] = draft.data
    if draft.route != case.route:
        changes["route"] = draft.route
    # The one write of the case row: state, data and every action's change, version +1.
    write_state(ctx.session, case, changes)
    event = audit.record(
        session=ctx.session,
        actor=None if ctx.actor is SYSTEM else ctx.actor,
        action=TRANSITIONED,
        at=now,
        case_id=case.id,
        contract_id=case.contract_id,
        trigger=verdict.trigger,
        from_state=from_state,
        to_state=case.state,
        reason=reason,
        evidence=list(evidence),
        details={
            "workflow": defn.name,
            "workflow_version": defn.version,
            "case_version": case.version,
            "data": dict(data),
        },
    )
    _announce(ctx, case, defn, verdict.trigger, from_state, now)
    fired = Fired(verdict.trigger, verdict.title or verdict.trigger, reason, evidence)
    _effects(ctx, case, verdict.actions, fired)
    case_deadlines.after_transition(ctx, case, defn, fired)
    case_deadlines.on_case_changed(ctx.session, case, defn, now, ctx.settings)
    return event


def _draft(actions: Sequence[ActionRef], draft: Draft) -> Draft:
    """The case as the actions' changes leave it (nothing is written here)."""
    for ref in actions:
        change = ACTIONS[ref.name].change
        if change is not None:
            change(draft, ref.params)
    return draft


def _effects(ctx: Ctx, case: Case, actions: Sequence[ActionRef], fired: Fired) -> None:
    """Run the actions' effects on other rows, after the case row is written."""
    for ref in actions:
        effect = ACTIONS[ref.name].effect
        if effect is not None:
            effect(ctx, case, ref.params, fired)


def _announce(
    ctx: Ctx, case: Case, defn: WorkflowDefinition, trigger: str, from_state: str, now: datetime
) -> None:
    # Webhook subscribers hear of the transition only once the transaction commits.
    outbox.enqueue(
        session=ctx.session,
        topic=TRANSITIONED,
        now=now,
        settings=ctx.settings,
        key=f"{TRANSITIONED}:{case.id}:{case.version}",
        payload={
            "case_id": case.id,
            "workflow": defn.name,
            "contract_id": case.contract_id,
            "trigger": trigger,
            "from_state": from_state,
            "to_state": case.state,
            "actor": ctx.actor.name,
            "at": now.isoformat(),
            "version": case.version,
        },
    )


_CASE = cast(Table, Case.__table__)


def write_state(session: Session, case: Case, changes: dict[str, Any]) -> None:
    """UPDATE … WHERE version = :seen, bumping the version; 409 if someone got there first.

    Core rather than the ORM unit of work: this is the hot path of every transition (see
    `make bench`). The loaded row is brought up to date without being marked dirty.
    """
    seen = case.version
    done = session.connection().execute(
        update(_CASE)
        .where(_CASE.c.id == case.id, _CASE.c.version == seen)
        .values(**changes, version=seen + 1)
    )
    if done.rowcount != 1:
        raise Conflict(
            f"case {case.id} changed while this request was being handled; reload it",
            code="stale_version",
        )
    for key, value in {**changes, "version": seen + 1}.items():
        set_committed_value(case, key, value)


def _open_case_action(ctx: Ctx, case: Case, params: Mapping[str, Any], _fired: Fired) -> None:
    open_case(
        ctx,
        workflow=params["workflow"],
        contract_id=case.contract_id,
        parent=case if params.get("as_child", True) else None,
    )


# The trigger cancel_open_children fires on each open child (workflows check verifies it).
CHILD_CANCEL = "cancel"


def _cancel_open_children(ctx: Ctx, case: Case, _params: Mapping[str, Any], fired: Fired) -> None:
    system = Ctx(ctx.session, ctx.registry, ctx.clock, SYSTEM, ctx.settings)
    reason = fired.reason
    why = f"parent case {case.id} was {case.state}" + (f": {reason}" if reason else "")
    children = ctx.session.scalars(
        select(Case).where(Case.parent_id == case.id, Case.final.is_(False)).order_by(Case.id)
    )
    for child in children:
        defn = definition_of(system, child)
        gctx = guard_context(ctx.session, child, actor=SYSTEM, clock=ctx.clock, reason=why)
        verdict = get_engine().evaluate(defn, child.state, CHILD_CANCEL, gctx)
        if verdict.allowed:
            apply_verdict(system, child, defn, verdict, reason=why, data={}, evidence=())
        else:
            audit.record(
                session=ctx.session,
                actor=None,
                action="case.cancel_failed",
                at=ctx.clock.now(),
                case_id=child.id,
                contract_id=child.contract_id,
                reason=why,
                details={"blocked_by": [b.detail for b in verdict.blocked_by]},
            )


# Every action a definition may name (engine/actions.py declares them), in one place.
def _open_handover_checklist(
    ctx: Ctx, case: Case, _params: Mapping[str, Any], _fired: Fired
) -> None:
    """Effect: the line's handover checklist, when its route replaces the supplier."""
    handover.open_checklist(session=ctx.session, case=case, actor=ctx.actor, now=ctx.clock.now())


ACTIONS: dict[str, Action] = {
    "open_case": Action(effect=_open_case_action),
    "cancel_open_children": Action(effect=_cancel_open_children),
    "set_case_field": Action(change=set_case_field),
    "clear_case_fields": Action(change=clear_case_fields),
    "apply_contract_extension": Action(effect=apply_contract_extension),
    "schedule_deadline": Action(effect=case_deadlines.schedule_deadline),
    "meet_deadlines": Action(effect=case_deadlines.meet_deadlines),
    "resolve_contract_deadlines": Action(effect=case_deadlines.resolve_contract_deadlines),
    "reopen_contract_deadlines": Action(effect=case_deadlines.reopen_contract_deadlines),
    "recompute_contract_deadlines": Action(effect=case_deadlines.recompute_contract_deadlines),
    "open_handover_checklist": Action(effect=_open_handover_checklist),
}


def list_query(
    *,
    workflow: str | None = None,
    state: str | None = None,
    contract_id: int | None = None,
    parent_id: int | None = None,
    assignee: str | None = None,
    after_id: int | None = None,
) -> Select[Case]:
    """Cases matching the filters, by id."""
    return where_given(
        select(Case).order_by(Case.id),
        (Case.workflow, eq, workflow),
        (Case.state, eq, state),
        (Case.contract_id, eq, contract_id),
        (Case.parent_id, eq, parent_id),
        (Case.assignee, eq, assignee),
        (Case.id, gt, after_id),
    )
