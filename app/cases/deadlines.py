"""Deadlines that follow a case's state: the actions on them, route decisions, assessments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.actions import Fired
from app.cases.ctx import Ctx
from app.cases.models import Case
from app.config import Settings
from app.contracts.models import Contract
from app.deadlines.actions import reopen, resolve
from app.deadlines.compute import assessment_booking_deadline
from app.deadlines.models import OPEN_STATUSES, Deadline
from app.deadlines.service import (
    case_route_decision,
    configured_lead_times,
    sync_case_deadlines,
    sync_contract_deadlines,
)
from app.deadlines.terms import DeadlineSpec
from app.engine import WorkflowDefinition
from app.engine.context import as_date

# State tags saying which deadlines the state implies: the route decision stands until the
# route is approved; a GDS phase that ends in a service assessment gives a booking deadline
# five weeks before its planned end date (case.data.<state>_end_date).
ROUTE_UNDECIDED = "deadline:route_decision"
ASSESSED_PHASE = "deadline:assessment_booking"
STATE_KINDS = ("route_decision", "assessment_booking", "amber_actions")


def schedule_deadline(ctx: Ctx, case: Case, params: Mapping[str, Any], _fired: Fired) -> None:
    """On-enter action: a deadline of `kind`, `days_from_now` days after entry (or `from_field`)."""
    kind, days = params["kind"], int(params["days_from_now"])
    field = params.get("from_field")
    start = as_date(case.data.get(field)) if field else None
    after = f"the {field.replace('_', ' ')}" if field and start else f"'{case.state}'"
    spec = DeadlineSpec(
        kind=kind,
        key=kind,
        date=(start or ctx.clock.today()) + timedelta(days=days),
        detail=f"{kind.replace('_', ' ').capitalize()} due {_offset(days)} {after}",
    )
    sync_case_deadlines(
        session=ctx.session,
        case_id=case.id,
        contract_id=case.contract_id,
        specs=[spec],
        now=ctx.clock.now(),
        settings=ctx.settings,
        actor=ctx.actor,
        kinds=[kind],
    )


def _offset(days: int) -> str:
    # A negative offset counts back, e.g. employee liability information 28 days before
    # the staff transfer date (TUPE 2006 reg. 11(6)).
    return f"{days} days after" if days >= 0 else f"{-days} days before"


def meet_deadlines(ctx: Ctx, case: Case, params: Mapping[str, Any], fired: Fired) -> None:
    """Effect: the case's open deadlines of `kinds` are met, with the transition's evidence."""
    why = fired.reason or f"Met by '{fired.title}'"
    _meet_open(ctx, case, set(params["kinds"]), why, fired.evidence)


def after_transition(ctx: Ctx, case: Case, defn: WorkflowDefinition, fired: Fired) -> None:
    """What every transition does to deadlines: meet those scheduled as `met_by` it."""
    _meet_scheduled(ctx, case, defn, fired)


def _meet_scheduled(ctx: Ctx, case: Case, defn: WorkflowDefinition, fired: Fired) -> None:
    """The trigger a scheduled deadline names as `met_by` meets it."""
    kinds = {
        a.params["kind"]
        for state in defn.states.values()
        for a in state.on_enter
        if a.name == "schedule_deadline" and a.params.get("met_by") == fired.trigger
    }
    if not kinds:
        return
    _meet_open(ctx, case, kinds, fired.reason or f"Met by '{fired.title}'", fired.evidence)


def _contract_deadlines(
    ctx: Ctx, case: Case, kinds: Sequence[str], statuses: Sequence[str]
) -> list[Deadline]:
    """The case's contract's own deadlines of `kinds` in one of `statuses`."""
    return list(
        ctx.session.scalars(
            select(Deadline).where(
                Deadline.scope == f"contract:{case.contract_id}",
                Deadline.kind.in_(kinds),
                Deadline.status.in_(statuses),
            )
        )
    )


def resolve_contract_deadlines(
    ctx: Ctx, case: Case, params: Mapping[str, Any], fired: Fired
) -> None:
    """Effect: the contract's open deadlines of `kinds` become `status` (met or waived)."""
    if case.contract_id is None:
        return
    why = fired.reason or f"'{fired.title}' on case #{case.id}"
    for row in _contract_deadlines(ctx, case, params["kinds"], OPEN_STATUSES):
        resolve(
            session=ctx.session,
            deadline=row,
            status=params["status"],
            actor=ctx.actor,
            reason=why,
            now=ctx.clock.now(),
            evidence=[dict(e) for e in fired.evidence],
        )


def reopen_contract_deadlines(
    ctx: Ctx, case: Case, params: Mapping[str, Any], fired: Fired
) -> None:
    """Effect: the contract's waived deadlines of `kinds` are open again (a decision reversed)."""
    if case.contract_id is None:
        return
    why = fired.reason or f"'{fired.title}' on case #{case.id}"
    for row in _contract_deadlines(ctx, case, params["kinds"], ("waived",)):
        reopen(
            session=ctx.session,
            deadline=row,
            actor=ctx.actor,
            reason=why,
            now=ctx.clock.now(),
            settings=ctx.settings,
        )


def recompute_contract_deadlines(
    ctx: Ctx, case: Case, _params: Mapping[str, Any], _fired: Fired
) -> None:
    """Effect: recompute the contract's deadlines (an exit that ends it leaves only duties)."""
    contract = ctx.session.get(Contract, case.contract_id) if case.contract_id else None
    if contract is not None:
        sync_contract_deadlines(
            session=ctx.session,
            contract=contract,
            actor=ctx.actor,
            now=ctx.clock.now(),
            settings=ctx.settings,
        )


def on_case_changed(
    session: Session, case: Case, defn: WorkflowDefinition, now: datetime, settings: Settings
) -> None:
    """Case hook: keep the deadlines a component's state implies; a closed case's are done."""
    if case.final:
        sync_case_deadlines(
            session=session,
            case_id=case.id,
            contract_id=case.contract_id,
            specs=[],
            now=now,
            settings=settings,
        )
        return
    if case.route is None or case.contract_id is None:
        return  # nothing case-specific to keep: skip the queries on the hot path
    tags = defn.states[case.state].tags
    specs = [
        *_route_decision(session, case, tags, settings),
        *_assessment_deadlines(case, tags, settings.assessment_booking_weeks),
    ]
    sync_case_deadlines(
        session=session,
        case_id=case.id,
        contract_id=case.contract_id,
        specs=specs,
        now=now,
        settings=settings,
        kinds=STATE_KINDS,
    )


def _route_decision(
    session: Session, case: Case, tags: Sequence[str], settings: Settings
) -> list[DeadlineSpec]:
    if ROUTE_UNDECIDED not in tags or case.contract_id is None or case.route is None:
        return []
    # Scaled for the contract's size and tier: the same rule as the portfolio's cliff edges.
    contract = session.get(Contract, case.contract_id)
    spec = case_route_decision(
        session=session,
        contract_id=case.contract_id,
        route=case.route,
        lead_times=configured_lead_times(settings, contract),
    )
    return [spec] if spec else []


def _assessment_deadlines(case: Case, tags: Sequence[str], weeks: int) -> list[DeadlineSpec]:
    """Booking the phase's service assessment (4 weeks ahead by default); amber actions."""
    specs = []
    planned_end = as_date(case.data.get(f"{case.state}_end_date"))
    if ASSESSED_PHASE in tags and planned_end is not None:
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
