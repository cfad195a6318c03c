"""The contracts behind a portfolio figure, by the same SQL as the figure itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, or_, select

from app.cases.models import Case
from app.contracts.models import Contract, ContractSupplier
from app.portfolio.models import ContractMoney, LineMoney
from app.portfolio.queries import (
    Filters,
    contract_filters,
    lead_supplier,
    route_expr,
    standing_expr,
)
from app.portfolio.states import DECIDING, IN_HOUSE_ROUTES, MOVED, year_start
from app.portfolio.supplier_spend import split_contract_ids

SAVINGS = ("planned", "realised")
"""The savings figures a link can name: lines with an approved, costed route; with actuals."""


def standing_in_year_expr(year: int) -> ColumnElement[str]:
    """A line's standing in a financial year: a line moved after the year was still moving."""
    moved_later = and_(Case.state.in_(sorted(MOVED)), LineMoney.actual_from >= year_start(year + 1))
    return case((moved_later, "in_transition"), else_=standing_expr())


def moved_in_house_in(year: int) -> ColumnElement[bool]:
    """Lines moved to an in-house team in the financial year, as moved_to_in_house counts."""
    return and_(
        Case.state.in_(sorted(MOVED)),
        Case.route.in_(sorted(IN_HOUSE_ROUTES)),
        LineMoney.actual_from >= year_start(year),
        LineMoney.actual_from < year_start(year + 1),
    )


def savings_lines(which: str) -> ColumnElement[bool]:
    """The lines a savings figure sums, as line_groups does: planned needs an approved route."""
    base = LineMoney.baseline_amount.is_not(None)
    if which == "realised":
        return and_(base, LineMoney.actual_amount.is_not(None))
    approved = and_(Case.state.is_not(None), Case.state.not_in(sorted(DECIDING | {"cancelled"})))
    return and_(base, LineMoney.route_run_cost_amount.is_not(None), approved)


def _line_conditions(
    year: int, standing: str | None, route: str | None, moved_in: int | None, savings: str | None
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if standing:
        out.append(standing_in_year_expr(year) == standing)
    if route:
        out.append(route_expr() == route)
    if moved_in is not None:
        out.append(moved_in_house_in(moved_in))
    if savings:
        out.append(savings_lines(savings))
    return out


def contract_ids(
    f: Filters,
    *,
    standing: str | None = None,
    year: int,
    supplier: str | None = None,
    route: str | None = None,
    moved_in: int | None = None,
    savings: str | None = None,
) -> Select[Any]:
    """Ids of the contracts behind a portfolio figure: those with money in the currency,
    narrowed to a standing in the year (the unallocated rest is outsourced), a supplier,
    a route, lines moved in house in a year, or the lines a savings figure sums."""
    lines = (
        select(LineMoney.contract_id.label("cid"))
        .outerjoin(Case, Case.component_id == LineMoney.component_id)
        .where(
            LineMoney.currency == f.currency,
            *_line_conditions(year, standing, route, moved_in, savings),
        )
    )
    parts = [lines]
    # The rest is on no route and in no move or saving: only the standing figures count it.
    if standing in (None, "outsourced") and not (route or moved_in is not None or savings):
        rest = select(ContractMoney.contract_id).where(ContractMoney.currency == f.currency)
        # Under a standing, only a rest that adds to the figure puts a contract behind it.
        parts.append(rest.where(ContractMoney.unallocated_amount != 0) if standing else rest)
    ids = parts[0].union(*parts[1:]).subquery() if len(parts) > 1 else parts[0].subquery()
    stmt = select(Contract.id).join(ids, ids.c.cid == Contract.id).where(*contract_filters(f))
    if supplier is not None:
        lead = and_(ContractSupplier.contract_id == Contract.id, ContractSupplier.position == 0)
        # As the figure counts them: the lead's contracts, and split contracts naming it.
        named = select(ContractSupplier.contract_id).where(
            ContractSupplier.name == supplier,
            ContractSupplier.contract_id.in_(split_contract_ids()),
        )
        stmt = stmt.outerjoin(ContractSupplier, lead).where(
            or_(lead_supplier() == supplier, Contract.id.in_(named))
        )
    return stmt
