"""Deadlines that follow a case's state: scheduled by actions, route decisions, closure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.models import Case
from app.cases.schemas import CaseOut
from app.cases.service import ACTIONS, Ctx
from app.config import get_settings
from app.contracts.models import Contract
from app.deadlines.actions import reopen, resolve
from app.deadlines.compute import DeadlineSpec, assessment_booking_deadline
from app.deadlines.models import OPEN_STATUSES, Deadline
from app.deadlines.runtime import case_deadlines
from app.deadlines.service import (
    ENDED_STATES,
    EXIT_WORKFLOW,
    case_route_decision,
    sync_case_deadlines,
    sync_contract_deadlines,
)
from app.engine import Verdict, WorkflowDefinition
from app.engine.context import as_date

# Until the route is approved the decision is still open, so its deadline stands.
ROUTE_UNDECIDED = frozenset({"identified", "assessed", "route_proposed"})
# GDS phases that end in a service assessment (a planned end date gives a booking deadline).
ASSESSED_PHASES = frozenset({"alpha", "private_beta", "public_beta"})
STATE_KINDS = ("route_decision", "assessment_booking", "amber_actions")
# The trigger that closes the actions of an amber service assessment, and what it clears.
CLOSE_AMBER = "close_amber_actions"
AMBER_FIELDS = frozenset({"amber_actions", "amber_actions_due_date"})
# The exit's notice decisions and what each does to the contract's notice deadline.
NOTICE_DECISIONS = {"serve_notice": "met", "run_to_expiry": "waived"}
RECONSIDER_NOTICE = "reconsider_notice"


def schedule_deadline(ctx: Ctx, case: Case, params: dict[str, Any], _reason: str | None) -> None:
    """On-enter action: a deadline of `kind`, `days_from_now` days after entry (or `from_field`)."""
    kind, days = params["kind"], int(params["days_from_now"])
    field = params.get("from_field")
    start = as_date(case.data.get(field)) if field else None
    after = f"the {field.replace('_', ' ')}" if field and start else f"'{case.state}'"
    spec = DeadlineSpec(
        kind=kind,
        key=kind,
        date=(start or ctx.clock.today()) + timedelta(days=days),
        detail=f"{kind.replace('_', ' ').capitalize()} due {days} days after {after}",
    )
    sync_case_deadlines(
        session=ctx.session,
        case_id=case.id,
        contract_id=case.contract_id,
        specs=[spec],
        now=ctx.clock.now(),
        actor=ctx.actor,
        kinds=[kind],
    )


def meet_scheduled(
    ctx: Ctx,
    case: Case,
    defn: WorkflowDefinition,
    verdict: Verdict,
    reason: str | None,
    evidence: Sequence[Mapping[str, Any]],
) -> None:
    """Transition hook: the trigger a scheduled deadline names as `met_by` meets it."""
    kinds = {
        a.params["kind"]
        for state in defn.states.values()
        for a in state.on_enter
        if a.name == "schedule_deadline" and a.params.get("met_by") == verdict.trigger
    }
    if not kinds:
        return
    _meet_open(ctx, case, kinds, reason or f"Met by '{verdict.title or verdict.trigger}'", evidence)


def close_amber_actions(
    ctx: Ctx,
    case: Case,
    _defn: WorkflowDefinition,
    verdict: Verdict,
    reason: str | None,
    evidence: Sequence[Mapping[str, Any]],
) -> None:
    """Transition hook: closing the amber actions meets their deadline and clears them."""
    if verdict.trigger != CLOSE_AMBER:
        return
    _meet_open(ctx, case, {"amber_actions"}, reason or "Amber actions closed", evidence)
    # Cleared, so the case hook that follows plans no amber deadline until the next amber.
    case.data = {k: v for k, v in case.data.items() if k not in AMBER_FIELDS}
    ctx.session.flush()


def _contract_notice(ctx: Ctx, case: Case, statuses: Sequence[str]) -> list[Deadline]:
    """The case's contract's own notice deadline(s) in one of `statuses`."""
    return list(
        ctx.session.scalars(
            select(Deadline).where(
                Deadline.scope == f"contract:{case.contract_id}",
                Deadline.kind == "notice",
                Deadline.status.in_(statuses),
            )
        )
    )


def follow_exit(
    ctx: Ctx,
    case: Case,
    defn: WorkflowDefinition,
    verdict: Verdict,
    reason: str | None,
    evidence: Sequence[Mapping[str, Any]],
) -> None:
    """Transition hook: the exit's notice decision resolves the contract's notice deadline.

    Serving notice meets it; deciding to run to expiry waives it (no notice to serve) and
    reconsidering reopens it; once the contract has ended its other deadlines close.
    """
    if defn.name != EXIT_WORKFLOW or case.contract_id is None:
        return
    now = ctx.clock.now()
    why = reason or f"'{verdict.title or verdict.trigger}' on contract exit #{case.id}"
    status = NOTICE_DECISIONS.get(verdict.trigger)
    if status is not None:
        for row in _contract_notice(ctx, case, OPEN_STATUSES):
            resolve(
                session=ctx.session,
                deadline=row,
                status=status,
                actor=ctx.actor,
                reason=why,
                now=now,
                evidence=[dict(e) for e in evidence],
            )
    if verdict.trigger == RECONSIDER_NOTICE:
        for row in _contract_notice(ctx, case, ("waived",)):
            reopen(session=ctx.session, deadline=row, actor=ctx.actor, reason=why, now=now)
    if case.state in ENDED_STATES:
        contract = ctx.session.get(Contract, case.contract_id)
        if contract is not None:
            sync_contract_deadlines(
                session=ctx.session, contract=contract, actor=ctx.actor, now=now
            )


def on_case_changed(session: Session, case: Case, _defn: WorkflowDefinition, now: datetime) -> None:
    """Case hook: keep the deadlines a component's state implies; a closed case's are done."""
    if case.final:
        sync_case_deadlines(
            session=session, case_id=case.id, contract_id=case.contract_id, specs=[], now=now
        )
        return
    if case.route is None or case.contract_id is None:
        return  # nothing case-specific to keep: skip the queries on the hot path
    specs = [*_route_decision(session, case), *_assessment_deadlines(case)]
    sync_case_deadlines(
        session=session,
        case_id=case.id,
        contract_id=case.contract_id,
        specs=specs,
        now=now,
        kinds=STATE_KINDS,
    )


def _route_decision(session: Session, case: Case) -> list[DeadlineSpec]:
    if case.state not in ROUTE_UNDECIDED or case.contract_id is None or case.route is None:
        return []
    spec = case_route_decision(session=session, contract_id=case.contract_id, route=case.route)
    return [spec] if spec else []


def _assessment_deadlines(case: Case) -> list[DeadlineSpec]:
    """Booking the phase's service assessment (4 weeks ahead by default); amber actions."""
    specs = []
    planned_end = as_date(case.data.get(f"{case.state}_end_date"))
    if case.state in ASSESSED_PHASES and planned_end is not None:
        weeks = get_settings().assessment_booking_weeks
        specs.append(assessment_booking_deadline(case.state, planned_end, weeks))
    amber_due = as_date(case.data.get("amber_actions_due_date"))
    if amber_due is not None:
        specs.append(
            DeadlineSpec(
                kind="amber_actions",
                key="amber_actions",
                date=amber_due,
                detail="Close the amber actions from the last service assessment",
            )
        )
    return specs


def fill_case_deadlines(session: Session, case: Case, out: CaseOut) -> None:
    """Case presenter filler: the case's own deadlines."""
    out.deadlines = case_deadlines(session, case.id)


def install() -> None:
    """Register the action and hooks (idempotent)."""
    from app.cases.present import case_extras
    from app.cases.service import case_changed_hooks, transition_hooks

    ACTIONS["schedule_deadline"] = schedule_deadline
    for hook in (meet_scheduled, close_amber_actions, follow_exit):
        if hook not in transition_hooks:
            transition_hooks.append(hook)
    if on_case_changed not in case_changed_hooks:
        case_changed_hooks.append(on_case_changed)
    if fill_case_deadlines not in case_extras:
        case_extras.append(fill_case_deadlines)


def _meet_open(
    ctx: Ctx, case: Case, kinds: Set[str], reason: str, evidence: Sequence[Mapping[str, Any]]
) -> None:
    """Mark the case's open deadlines of these kinds met, each audited with the evidence."""
    rows = ctx.session.scalars(
        select(Deadline).where(
            Deadline.case_id == case.id,
            Deadline.kind.in_(kinds),
            Deadline.status.in_(OPEN_STATUSES),
        )
    )
    for row in rows:
        resolve(
            session=ctx.session,
            deadline=row,
            status="met",
            actor=ctx.actor,
            reason=reason,
            now=ctx.clock.now(),
            evidence=[dict(e) for e in evidence],
        )
