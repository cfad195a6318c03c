"""The portfolio: the query module's sums assembled into what a digital leader reads."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.contracts.money import amount_text
from app.portfolio import cliff, queries, supplier_spend
from app.portfolio.queries import Filters
from app.portfolio.report_schemas import (
    ApprovalWaiting,
    CliffEdge,
    Due,
    Extensions,
    Headline,
    KindDue,
    OtherCurrency,
    PortfolioOut,
    RouteSpend,
    Savings,
    SlowLine,
    StateSpend,
    SupplierSpend,
    YearMove,
    YearSpend,
)
from app.portfolio.states import (
    AMBER_MARGIN_DAYS,
    IN_HOUSE_ROUTES,
    STATES,
    financial_year,
    year_label,
)

DUE_DAYS = 90
YEARS_BEFORE, YEARS_AFTER = 2, 2
TOP_SUPPLIERS = 10


def _d(value: Any) -> Decimal:
    return Decimal(value or 0)


def _standing_in(group: dict[str, Any], year: int) -> str:
    """A moved line counts as moved from the year it moved; before that it was moving."""
    if group["standing"] == "moved" and group["moved_in"] > year:
        return "in_transition"
    return str(group["standing"])


def _spend(group: dict[str, Any], standing: str) -> Decimal:
    return _d(group["moved_cost"]) if standing == "moved" else _d(group["baseline"])


def _by_state(groups: list[dict[str, Any]], year: int, rest: Decimal) -> dict[str, Decimal]:
    out = dict.fromkeys(STATES, Decimal(0))
    out["outsourced"] += rest
    for g in groups:
        s = _standing_in(g, year)
        out[s] += _spend(g, s)
    return out


def build(session: Session, f: Filters, year: int | None, today: date) -> PortfolioOut:
    """Every figure of the portfolio for the year (default: the current financial year)."""
    year = financial_year(today) if year is None else year
    years = range(year - YEARS_BEFORE, year + YEARS_AFTER + 1)
    groups = queries.line_groups(session, f, years)
    rest, _n = queries.unallocated(session, f)
    states = _by_state(groups, year, rest)
    lines, routes, moves = _tally(groups, year, years)
    total = sum(states.values(), Decimal(0))
    return PortfolioOut(
        currency=f.currency,
        financial_year=year,
        financial_year_label=year_label(year),
        today=today,
        headline=Headline(
            annual_spend=amount_text(total),
            outsourced=amount_text(states["outsourced"]),
            in_transition=amount_text(states["in_transition"]),
            moved=amount_text(states["moved"]),
            contracts=queries.contracts_with_money(session, f),
            lines=sum(g["lines"] for g in groups),
            lines_without_baseline=sum(g["no_baseline"] for g in groups),
            moved_without_actuals=sum(g["no_actual"] for g in groups if g["standing"] == "moved"),
        ),
        by_state=[
            StateSpend(state=s, annual_spend=amount_text(states[s]), lines=lines[s]) for s in STATES
        ],
        by_route=[
            RouteSpend(
                route=name,
                annual_spend=amount_text(r["spend"]),
                baseline=amount_text(r["base"]),
                lines=r["n"],
            )
            for name, r in sorted(routes.items())
        ],
        by_supplier=_suppliers(session, f, year, states),
        over_time=[_year(groups, y, rest) for y in years],
        moved_to_in_house=[
            YearMove(
                financial_year=y,
                label=year_label(y),
                baseline_moved=amount_text(m[0]),
                in_house_run_cost=amount_text(m[1]),
                lines=int(m[2]),
            )
            for y, m in moves.items()
        ],
        savings=_savings(groups),
        extensions=Extensions(
            annual_spend=amount_text(routes.get("retain_extend", {}).get("spend", Decimal(0))),
            lines=routes.get("retain_extend", {}).get("n", 0),
        ),
        due=_due(session, f, today),
        other_currencies=[OtherCurrency(**r) for r in queries.other_currencies(session, f)],
    )


def _tally(
    groups: list[dict[str, Any]], year: int, years: range
) -> tuple[dict[str, int], dict[str, dict[str, Any]], dict[int, list[Decimal]]]:
    """Lines by standing, spend by route, and moves in house by year, from the groups."""
    lines: dict[str, int] = defaultdict(int)
    routes: dict[str, dict[str, Any]] = {}
    moves: dict[int, list[Decimal]] = {y: [Decimal(0), Decimal(0), Decimal(0)] for y in years}
    for g in groups:
        s = _standing_in(g, year)
        lines[s] += g["lines"]
        r = routes.setdefault(g["route"], {"spend": Decimal(0), "base": Decimal(0), "n": 0})
        r["spend"] += _spend(g, s)
        r["base"] += _d(g["baseline"])
        r["n"] += g["lines"]
        if g["standing"] == "moved" and g["route"] in IN_HOUSE_ROUTES and g["moved_in"] in moves:
            m = moves[g["moved_in"]]
            m[0] += _d(g["baseline"])
            m[1] += _d(g["moved_cost"])
            m[2] += g["lines"]
    return lines, routes, moves


def _year(groups: list[dict[str, Any]], y: int, rest: Decimal) -> YearSpend:
    s = _by_state(groups, y, rest)
    return YearSpend(
        financial_year=y,
        label=year_label(y),
        outsourced=amount_text(s["outsourced"]),
        in_transition=amount_text(s["in_transition"]),
        moved=amount_text(s["moved"]),
    )


def _suppliers(
    session: Session, f: Filters, year: int, states: dict[str, Decimal]
) -> list[SupplierSpend]:
    with_supplier = states["outsourced"] + states["in_transition"]
    return [
        SupplierSpend(
            supplier=r["supplier"],
            annual_spend=amount_text(_d(r["amount"])),
            contracts=r["contracts"],
            share=round(float(_d(r["amount"]) / with_supplier), 4) if with_supplier else 0.0,
            split_by_award_value=r["split"],
        )
        for r in supplier_spend.by_supplier(session, f, year, TOP_SUPPLIERS)
    ]


def _savings(groups: list[dict[str, Any]]) -> Savings:
    return Savings(
        planned_annual=amount_text(sum((_d(g["planned"]) for g in groups), Decimal(0))),
        planned_lines=sum(g["planned_lines"] for g in groups),
        realised_annual=amount_text(sum((_d(g["realised"]) for g in groups), Decimal(0))),
        realised_lines=sum(g["realised_lines"] for g in groups),
        transition_cost=amount_text(sum((_d(g["transition_cost"]) for g in groups), Decimal(0))),
    )


def _due(session: Session, f: Filters, today: date) -> Due:
    until = today + timedelta(days=DUE_DAYS)
    return Due(
        until=until,
        deadlines=[KindDue(**r) for r in queries.deadlines_due(session, f, today, until)],
        approvals_waiting=[ApprovalWaiting(**r) for r in queries.approvals_waiting(session, f)],
    )


def cliff_edges(
    session: Session,
    f: Filters,
    today: date,
    rating: str | None,
    offset: int,
    limit: int,
    settings: Settings,
) -> list[CliffEdge]:
    """Contracts whose hard stop may come before their slowest undecided line is ready.

    Lead times are the deadlines' own, scaled per contract by `settings`
    (app/portfolio/cliff.py).
    """
    rows = cliff.rated(session, f, today, rating, offset, limit, settings)
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ln in queries.undecided_lines(session, [r.contract.contract_id for r in rows]):
        lines[ln["contract_id"]].append(ln)
    return [_edge(r, lines[r.contract.contract_id], today) for r in rows]


def _edge(row: cliff.Rated, lines: list[dict[str, Any]], today: date) -> CliffEdge:
    slow = max(lines, key=lambda ln: (row.leads.of(ln["route"]), -ln["case_id"]))
    lead = row.leads.of(slow["route"])
    ready = today + timedelta(days=lead)
    stop = row.contract.hard_stop
    slack = (stop - ready).days
    route = slow["route"] or f"no route yet, taken at the slowest ({lead} days)"
    what = f"{slow['name']} ({route}) can be ready on {ready.isoformat()}"
    if slack < 0:
        reason = f"{what}, {-slack} days after the hard stop on {stop.isoformat()}"
    elif slack < AMBER_MARGIN_DAYS:
        reason = (
            f"{what}, only {slack} days before the hard stop on {stop.isoformat()}"
            f" (less than {AMBER_MARGIN_DAYS} days to absorb a slip)"
        )
    else:
        reason = f"{what}, {slack} days before the hard stop on {stop.isoformat()}"
    c = row.contract
    return CliffEdge(
        contract_id=c.contract_id,
        reference=c.reference,
        title=c.title,
        buyer=c.buyer_name,
        hard_stop=stop,
        ready_by=ready,
        slack_days=slack,
        rating=row.rating,
        reason=reason,
        undecided_lines=row.lines,
        slowest_line=SlowLine(
            component_id=slow["component_id"],
            case_id=slow["case_id"],
            name=slow["name"],
            state=slow["state"],
            route=slow["route"],
            lead_time_days=lead,
        ),
    )
