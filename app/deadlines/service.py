"""Deriving deadlines from contract terms and case state, in the caller's transaction.

Resolved deadlines when the terms change: a met deadline stays met, with the date and
wording it was met for (the audit lists it under "kept" with the date the terms now
give). A waived deadline whose date moves is reopened for the new date, its waiver
cleared from the row (the audit keeps it, under "reopened"): a waiver excuses one dated
obligation, and an extension that moves a notice date creates a new one to serve.

The end of a contract: once its contract_exit case records the termination_date and
reaches terminated (or closed), that date is the terms' actual_end_date and only the
publication duties remain; every other open deadline of the contract is superseded
(audited, with the reason). The exit case schedules the termination notice itself, so
the contract does not derive a second one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.service import Actor
from app.cases.models import Case
from app.config import Settings
from app.contracts.models import Contract
from app.contracts.regime import has_act_notices
from app.deadlines.compute import compute_contract_deadlines, route_decision_deadline
from app.deadlines.models import Deadline
from app.deadlines.reconcile import (
    REOPENABLE,
    NewScope,
    SyncReport,
    add_new_scopes,
    sync_scope,
)
from app.deadlines.terms import BreakClause, ContractTerms, DeadlineSpec, ExtensionOption, LeadTimes
from app.portfolio.states import LeadScale, annual_value, scaled_lead_days

# Named in code (verified by `workflows check`, app/workflows/named.py): the exit case
# whose termination date, once it has ended the contract, is the contract's actual end.
EXIT_WORKFLOW = "contract_exit"
ENDED_STATES = ("terminated", "closed")
TERMINATION_FIELD = "termination_date"
PUBLICATION_KINDS = frozenset({"contract_details_notice", "termination_notice"})
# Notices about the incumbent contract itself, owed only when it was let under the Act (a
# component's contract_details_notice is about its new contract, so it is not here).
INCUMBENT_ACT_NOTICES = frozenset({"termination_notice"})
# Agreements that are not contracts with a supplier to exit (their call-offs are).
NOT_EXITED = frozenset({"framework", "dps"})


def contract_terms(contract: Contract) -> ContractTerms:
    """The contract row's terms in the shape compute.py takes."""
    return ContractTerms(
        start_date=contract.start_date,
        end_date=contract.end_date,
        max_end_date=contract.max_end_date,
        notice_period_days=contract.notice_period_days,
        notice_in_working_days=contract.notice_in_working_days,
        termination_assistance_notice_days=contract.termination_assistance_notice_days,
        calendar=contract.calendar or "england_wales",
        regime=contract.regime or "pcr2015",
        renewal=contract.renewal,
        break_clauses=[
            BreakClause(date=date.fromisoformat(str(b["date"])), notice_days=int(b["notice_days"]))
            for b in contract.break_clauses or []
        ],
        extension_options=[
            ExtensionOption(months=int(o["months"]), notice_days=int(o["notice_days"]))
            for o in contract.extension_options or []
        ],
        date_signed=contract.date_signed,
    )


def local_today(now: datetime, settings: Settings) -> date:
    """Today in the service's time zone."""
    return now.astimezone(ZoneInfo(settings.timezone)).date()


def lead_scale(settings: Settings) -> LeadScale:
    """How lead times scale with a contract's size and tier, from the settings."""
    return LeadScale(
        tier_factors=dict(settings.lead_time_tier_factors),
        major_annual_value=settings.major_contract_annual_value,
        major_exit_days=settings.major_exit_days,
    )


def configured_lead_times(settings: Settings, contract: Contract | None = None) -> LeadTimes:
    """Lead times per route: the defaults, overridden by HANDOVER_ROUTE_LEAD_DAYS, scaled
    for the contract's size and tier (app/portfolio/states.py, the portfolio's rule too)."""
    defaults = LeadTimes()
    days = {**defaults.procurement_days, **settings.route_lead_days}
    if contract is not None:
        days = scaled_lead_days(
            days,
            tier=contract.tier,
            yearly_value=annual_value(
                contract.value_amount,
                contract.start_date,
                contract.max_end_date or contract.end_date,
            ),
            scale=lead_scale(settings),
            transition_days=settings.transition_days,
        )
    return LeadTimes(procurement_days=days, transition_days=settings.transition_days)


def exit_end_date(session: Session, contract_id: int) -> date | None:
    """The termination_date its contract_exit case recorded on reaching terminated, if any."""
    rows = session.scalars(
        select(Case.data).where(
            Case.contract_id == contract_id,
            Case.workflow == EXIT_WORKFLOW,
            Case.state.in_(ENDED_STATES),
        )
    )
    ends = []
    for data in rows:
        try:
            ends.append(date.fromisoformat(str((data or {}).get(TERMINATION_FIELD))))
        except ValueError:
            continue
    return max(ends, default=None)


def _after_the_end(
    session: Session, contract_id: int, specs: list[DeadlineSpec]
) -> list[DeadlineSpec]:
    """An ended contract's duties: its publication notices, less one a case already has."""
    by_case = session.scalar(
        select(Deadline.id)
        .where(
            Deadline.contract_id == contract_id,
            Deadline.case_id.is_not(None),
            Deadline.kind == "termination_notice",
        )
        .limit(1)
    )
    return [
        s
        for s in specs
        if s.kind in PUBLICATION_KINDS and not (s.kind == "termination_notice" and by_case)
    ]


def sync_contract_deadlines(
    *, session: Session, contract: Contract, actor: Actor | None, now: datetime, settings: Settings
) -> SyncReport:
    """Recompute a contract's own deadlines and their pending reminders."""
    today = local_today(now, settings)
    ended = exit_end_date(session, contract.id)
    specs, running = _own_specs(contract, today=today, settings=settings, ended=ended)
    if ended is not None:
        specs = _after_the_end(session, contract.id, specs)
    return sync_scope(
        session=session,
        scope=f"contract:{contract.id}",
        contract_id=contract.id,
        case_id=None,
        specs=specs,
        now=now,
        actor=actor,
        running=running,
        reason=f"the contract ended on {ended.isoformat()}" if ended else None,
        settings=settings,
    )


def _own_specs(
    contract: Contract, *, today: date, settings: Settings, ended: date | None
) -> tuple[list[DeadlineSpec], bool]:
    """The contract's own deadlines from its terms, and whether it is still running."""
    specs = compute_contract_deadlines(
        replace(contract_terms(contract), actual_end_date=ended),
        today=today,
        lead_times=configured_lead_times(settings, contract),
    )
    if contract.agreement in NOT_EXITED:
        specs = []  # a framework or DPS is not a contract to exit: nothing to serve or decide
    # A contract that has already ended (an imported historical one) has nothing left to
    # escalate: its past deadlines are history, not alarms.
    running = ended is None and (contract.end_date is None or contract.end_date >= today)
    return specs, running


def on_contracts_inserted(
    session: Session, contracts: Sequence[Contract], *, now: datetime, settings: Settings
) -> list[SyncReport]:
    """`on_terms_changed` for contracts just inserted, in bulk; the caller audits each report.

    A new contract has no cases yet, so no exit date and no route decisions to move: its
    deadlines are the ones its terms give, as `sync_contract_deadlines` computes them.
    """
    today = local_today(now, settings)
    scopes = []
    for contract in contracts:
        specs, running = _own_specs(contract, today=today, settings=settings, ended=None)
        scopes.append(NewScope(f"contract:{contract.id}", contract.id, None, specs, running))
    return add_new_scopes(session, scopes, now=now, settings=settings)


def on_terms_changed(
    session: Session, contract: Contract, actor: Actor | None, now: datetime, settings: Settings
) -> None:
    """contracts.service hook: recompute after a contract is created or its terms change."""
    sync_contract_deadlines(
        session=session, contract=contract, actor=actor, now=now, settings=settings
    )
    sync_case_route_decisions(
        session=session, contract=contract, actor=actor, now=now, settings=settings
    )


def sync_case_route_decisions(
    *, session: Session, contract: Contract, actor: Actor | None, now: datetime, settings: Settings
) -> None:
    """Move the open route_decision deadlines of the contract's cases to its current terms."""
    rows = session.scalars(
        select(Deadline).where(
            Deadline.contract_id == contract.id,
            Deadline.case_id.is_not(None),
            Deadline.kind == "route_decision",
            Deadline.status.in_(REOPENABLE),
        )
    )
    routes: dict[int, list[str]] = {}
    for row in rows:
        if row.case_id is not None and row.key.startswith("route_decision:"):
            routes.setdefault(row.case_id, []).append(row.key.partition(":")[2])
    terms = contract_terms(contract)
    lead = configured_lead_times(settings, contract)
    for case_id, chosen in routes.items():
        specs = [
            spec
            for route in chosen
            if route in lead.procurement_days
            and (spec := route_decision_deadline(terms, route, lead)) is not None
        ]
        sync_case_deadlines(
            session=session,
            case_id=case_id,
            contract_id=contract.id,
            specs=specs,
            now=now,
            actor=actor,
            kinds=["route_decision"],
            settings=settings,
        )


def sync_case_deadlines(
    *,
    session: Session,
    case_id: int,
    contract_id: int | None,
    specs: Sequence[DeadlineSpec],
    now: datetime,
    settings: Settings,
    actor: Actor | None = None,
    kinds: Iterable[str] | None = None,
) -> SyncReport:
    """Make a case's deadlines (of `kinds`, default all) exactly `specs`; audited.

    Call it from the case service in the transition's transaction whenever the case's
    state implies different deadlines; deadlines of those kinds missing from `specs` are
    superseded and their pending reminders cancelled. Build specs with
    `case_route_decision` and `compute.assessment_booking_deadline`.
    """
    if contract_id is not None and any(s.kind in INCUMBENT_ACT_NOTICES for s in specs):
        contract = session.get(Contract, contract_id)
        if contract is not None and not has_act_notices(contract.regime):
            # A PCR 2015 contract has no contract termination notice (UK11) to publish:
            # Procurement Act 2023 s.80 applies to contracts awarded under the Act.
            specs = [s for s in specs if s.kind not in INCUMBENT_ACT_NOTICES]
    return sync_scope(
        session=session,
        scope=f"case:{case_id}",
        contract_id=contract_id,
        case_id=case_id,
        specs=specs,
        now=now,
        actor=actor,
        kinds=None if kinds is None else frozenset(kinds),
        settings=settings,
    )


def case_route_decision(
    *, session: Session, contract_id: int, route: str, lead_times: LeadTimes
) -> DeadlineSpec | None:
    """The route_decision deadline for a component whose route is chosen, from its contract."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        return None
    return route_decision_deadline(contract_terms(contract), route, lead_times)
