"""The portfolio's SQL: line money grouped in the database, never loaded row by row."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, null, or_, select
from sqlalchemy.orm import Session

from app.cases.models import Case, Component
from app.contracts.models import Contract, ContractSupplier
from app.deadlines.models import OPEN_STATUSES, Deadline
from app.portfolio.models import ContractMoney, LineMoney
from app.portfolio.states import DECIDING, MOVED, ROUTE_UNDECIDED, STAYING, year_start

NO_SUPPLIER = "(no supplier recorded)"
# Cases waiting for a second person's decision, by workflow and state.
APPROVAL_STATES = {
    ("service_component", "route_proposed"),
    ("service_component", "extension_requested"),
    ("contract_review", "awaiting_approval"),
}


@dataclass(frozen=True)
class Filters:
    """What the portfolio is narrowed to."""

    currency: str
    buyer: str | None = None
    tier: int | None = None


def contract_filters(f: Filters) -> list[ColumnElement[bool]]:
    """The buyer and tier filters as conditions on the contract."""
    out: list[ColumnElement[bool]] = []
    if f.buyer:
        out.append(Contract.buyer_name.icontains(f.buyer, autoescape=True))
    if f.tier is not None:
        out.append(Contract.tier == f.tier)
    return out


def narrowed(contract_id: Any, f: Filters) -> list[ColumnElement[bool]]:
    """The filters as a semi-join on a contract id column: no join at all when unfiltered."""
    if not (wanted := contract_filters(f)):
        return [contract_id.is_not(None)]
    return [contract_id.in_(select(Contract.id).where(*wanted))]


def standing_of(state: str | None) -> str:
    """standing_expr for one state, in Python: outsourced / in_transition / moved."""
    if state in MOVED:
        return "moved"
    if state is None or state in DECIDING | STAYING | {"route_approved"}:
        return "outsourced"
    return "in_transition"


def route_of(state: str | None, route: str | None) -> str:
    """route_expr for one case, in Python."""
    return ROUTE_UNDECIDED if route is None or state in DECIDING else route


def approved(state: str | None) -> bool:
    """Whether a line's route is approved (and not cancelled): its plan counts."""
    return state is not None and state not in DECIDING | {"cancelled"}


def standing_expr() -> ColumnElement[str]:
    """outsourced / in_transition / moved from the component case's state, in SQL."""
    return case(
        (Case.state.in_(sorted(MOVED)), "moved"),
        (
            or_(
                Case.state.is_(None),
                Case.state.in_(sorted(DECIDING | STAYING | {"route_approved"})),
            ),
            "outsourced",
        ),
        else_="in_transition",
    )


def route_expr() -> ColumnElement[str]:
    """The approved route, or 'undecided' while the line has none."""
    return case(
        (or_(Case.route.is_(None), Case.state.in_(sorted(DECIDING))), ROUTE_UNDECIDED),
        else_=Case.route,
    )


def _move_year(years: range) -> ColumnElement[int]:
    """The financial year the line moved in, clamped to just outside the window."""
    whens: list[tuple[ColumnElement[bool], int]] = [
        (LineMoney.actual_from < year_start(y + 1), y) for y in years
    ]
    return case(
        (LineMoney.actual_from.is_(None), years.start - 1),
        (LineMoney.actual_from < year_start(years.start), years.start - 1),
        *whens,
        else_=years.stop,
    )


def line_groups(session: Session, f: Filters, years: range) -> list[dict[str, Any]]:
    """Sums of line money by standing, route and the year the line moved.

    The database sums by the case's raw state and route (cheap keys to group on); the few
    groups are then folded into standings here, by the same sets standing_expr uses.
    """
    moved_in = _move_year(years).label("moved_in")
    base, rrc, act = (
        LineMoney.baseline_amount,
        LineMoney.route_run_cost_amount,
        LineMoney.actual_amount,
    )
    costed = and_(base.is_not(None), rrc.is_not(None))
    realised_ok = and_(base.is_not(None), act.is_not(None))
    stmt = (
        select(
            Case.state,
            Case.route,
            moved_in,
            func.count().label("lines"),
            func.coalesce(func.sum(base), 0).label("baseline"),
            func.coalesce(func.sum(func.coalesce(act, rrc, 0)), 0).label("moved_cost"),
            func.sum(case((base.is_(None), 1), else_=0)).label("no_baseline"),
            func.sum(case((act.is_(None), 1), else_=0)).label("no_actual"),
            func.coalesce(func.sum(case((costed, base - rrc), else_=null())), 0).label("planned"),
            func.sum(case((costed, 1), else_=0)).label("planned_lines"),
            func.coalesce(func.sum(case((realised_ok, base - act), else_=null())), 0).label(
                "realised"
            ),
            func.sum(case((realised_ok, 1), else_=0)).label("realised_lines"),
            func.coalesce(func.sum(LineMoney.transition_cost_amount), 0).label("transition_cost"),
        )
        .select_from(LineMoney)
        .outerjoin(Case, Case.component_id == LineMoney.component_id)
        .where(LineMoney.currency == f.currency, *narrowed(LineMoney.contract_id, f))
        .group_by(Case.state, Case.route, moved_in)
    )
    return _fold([dict(r._mapping) for r in session.execute(stmt)])


_SUMMED = ("lines", "baseline", "moved_cost", "no_baseline", "no_actual", "realised")
_SUMMED_IF_APPROVED = ("planned", "planned_lines", "transition_cost")


def _fold(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Raw (state, route, year) sums into (standing, route, year) groups, as line_groups says."""
    groups: dict[tuple[str, str, int], dict[str, Any]] = {}
    for r in rows:
        state = r["state"]
        key = (standing_of(state), route_of(state, r["route"]), r["moved_in"])
        g = groups.setdefault(
            key,
            dict.fromkeys(_SUMMED + _SUMMED_IF_APPROVED + ("realised_lines",), Decimal(0))
            | {"standing": key[0], "route": key[1], "moved_in": key[2]},
        )
        for name in (*_SUMMED, "realised_lines"):
            g[name] += Decimal(r[name] or 0)
        if approved(state):
            for name in _SUMMED_IF_APPROVED:
                g[name] += Decimal(r[name] or 0)
    counts = ("lines", "no_baseline", "no_actual", "planned_lines", "realised_lines")
    return [g | {c: int(g[c]) for c in counts} for g in groups.values()]


def unallocated(session: Session, f: Filters) -> tuple[Decimal, int]:
    """The contracts' annual run cost outside their lines, and how many contracts have one."""
    row = session.execute(
        select(func.coalesce(func.sum(ContractMoney.unallocated_amount), 0), func.count()).where(
            ContractMoney.currency == f.currency, *narrowed(ContractMoney.contract_id, f)
        )
    ).one()
    return Decimal(row[0]), int(row[1])


def contracts_with_money(session: Session, f: Filters) -> int:
    """How many contracts have any money recorded in the currency."""
    ids = (
        select(LineMoney.contract_id.label("cid"))
        .where(LineMoney.currency == f.currency, *narrowed(LineMoney.contract_id, f))
        .union(
            select(ContractMoney.contract_id).where(
                ContractMoney.currency == f.currency, *narrowed(ContractMoney.contract_id, f)
            )
        )
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(ids)) or 0)


def lead_supplier() -> Any:
    """The contract's first-named supplier, or the placeholder when it has none."""
    return func.coalesce(ContractSupplier.name, NO_SUPPLIER)


def other_currencies(session: Session, f: Filters) -> list[dict[str, Any]]:
    """Lines recorded in other currencies, left out of the figures."""
    stmt = (
        select(LineMoney.currency, func.count().label("lines"))
        .where(LineMoney.currency != f.currency, *narrowed(LineMoney.contract_id, f))
        .group_by(LineMoney.currency)
        .order_by(LineMoney.currency)
    )
    return [dict(r._mapping) for r in session.execute(stmt)]


def deadlines_due(session: Session, f: Filters, today: date, until: date) -> list[dict[str, Any]]:
    """Open deadlines from today to the horizon, by kind, with the first date of each."""
    stmt = (
        select(
            Deadline.kind,
            func.count().label("count"),
            func.min(Deadline.date).label("first_date"),
        )
        .where(
            Deadline.status.in_(OPEN_STATUSES),
            Deadline.date >= today,
            Deadline.date <= until,
            *narrowed(Deadline.contract_id, f),
        )
        .group_by(Deadline.kind)
        .order_by(func.min(Deadline.date), Deadline.kind)
    )
    return [dict(r._mapping) for r in session.execute(stmt)]


def approvals_waiting(session: Session, f: Filters) -> list[dict[str, Any]]:
    """Open cases waiting for an approver, by workflow and state."""
    waiting = or_(*(and_(Case.workflow == w, Case.state == s) for w, s in APPROVAL_STATES))
    stmt = (
        select(Case.workflow, Case.state, func.count().label("count"))
        .where(waiting, *narrowed(Case.contract_id, f))
        .group_by(Case.workflow, Case.state)
        .order_by(Case.workflow, Case.state)
    )
    return [dict(r._mapping) for r in session.execute(stmt)]


def _hard_stop() -> Any:
    return (
        select(Deadline.contract_id.label("contract_id"), func.max(Deadline.date).label("stop"))
        .where(Deadline.kind == "hard_stop", Deadline.status.in_((*OPEN_STATUSES, "met")))
        .group_by(Deadline.contract_id)
        .subquery()
    )


@dataclass(frozen=True)
class Candidate:
    """A contract with lines still without an approved route, and one route among them."""

    contract_id: int
    reference: str
    title: str
    buyer_name: str
    tier: int | None
    value_amount: Decimal | None
    start_date: date | None
    end_date: date | None
    max_end_date: date | None
    hard_stop: date
    route: str | None
    lines: int


def cliff_candidates(
    session: Session, f: Filters, stop_from: date | None, stop_before: date | None
) -> Generator[Candidate]:
    """Contracts with lines still without an approved route, a row per (contract, route).

    Soonest hard stop first, streamed: the caller rates each contract by its own scaled lead
    times (app/portfolio/cliff.py) and stops reading once it has a page. The bounds on the
    hard stop only narrow what can be rated, they never decide a rating. Plain columns, not
    contract entities: the candidates can be every contract of the portfolio.
    """
    stop = _hard_stop()
    per_route = (
        select(Case.contract_id, Case.route, func.count().label("lines"))
        .where(Case.workflow == "service_component", Case.state.in_(sorted(DECIDING)))
        .group_by(Case.contract_id, Case.route)
        .subquery()
    )
    bounds: list[ColumnElement[bool]] = []
    if stop_from is not None:
        bounds.append(stop.c.stop >= stop_from)
    if stop_before is not None:
        bounds.append(stop.c.stop < stop_before)
    stmt = (
        select(
            Contract.id.label("contract_id"),
            Contract.reference,
            Contract.title,
            Contract.buyer_name,
            Contract.tier,
            Contract.value_amount,
            Contract.start_date,
            Contract.end_date,
            Contract.max_end_date,
            stop.c.stop.label("hard_stop"),
            per_route.c.route,
            per_route.c.lines,
        )
        .join(stop, stop.c.contract_id == Contract.id)
        .join(per_route, per_route.c.contract_id == Contract.id)
        .where(*contract_filters(f), *bounds)
        .order_by(stop.c.stop, Contract.id)
        .execution_options(yield_per=200)
    )
    with session.execute(stmt) as result:
        for row in result:
            yield Candidate(*row)  # the columns in the dataclass's order; count() is an int


def undecided_lines(session: Session, contract_ids: list[int]) -> list[dict[str, Any]]:
    """The lines without an approved route of the given contracts."""
    if not contract_ids:
        return []
    stmt = (
        select(
            Case.contract_id,
            Case.id.label("case_id"),
            Case.state,
            Case.route,
            Component.id.label("component_id"),
            Component.name,
        )
        .join(Component, Component.id == Case.component_id)
        .where(
            Case.workflow == "service_component",
            Case.state.in_(sorted(DECIDING)),
            Case.contract_id.in_(contract_ids),
        )
        .order_by(Case.contract_id, Case.id)
    )
    return [dict(r._mapping) for r in session.execute(stmt)]
