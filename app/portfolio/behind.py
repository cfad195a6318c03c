"""The contracts behind a portfolio figure, by the same SQL as the figure itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, or_, select

from app.cases.models import Case
from app.contracts.models import Contract, ContractSupplier
from app.portfolio.models import ContractMoney, LineMoney
from app.portfolio.queries import Filters, contract_filters, lead_supplier, standing_expr
from app.portfolio.states import MOVED, year_start
from app.portfolio.supplier_spend import split_contract_ids


def standing_in_year_expr(year: int) -> ColumnElement[str]:
    """A line's standing in a financial year: a line moved after the year was still moving."""
    moved_later = and_(Case.state.in_(sorted(MOVED)), LineMoney.actual_from >= year_start(year + 1))
    return case((moved_later, "in_transition"), else_=standing_expr())


def contract_ids(
    f: Filters, *, standing: str | None = None, year: int, supplier: str | None = None
) -> Select[Any]:
    """Ids of the contracts behind a portfolio figure: those with money in the currency,
    narrowed to a standing in the year (the unallocated rest is outsourced) and a supplier."""
    lines = (
        select(LineMoney.contract_id.label("cid"))
        .outerjoin(Case, Case.component_id == LineMoney.component_id)
        .where(LineMoney.currency == f.currency)
    )
    if standing:
        lines = lines.where(standing_in_year_expr(year) == standing)
    parts = [lines]
    if standing in (None, "outsourced"):
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
