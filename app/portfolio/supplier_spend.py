"""Portfolio spend by supplier: a contract's spend split by its suppliers' award values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.cases.models import Case
from app.contracts.models import ContractSupplier
from app.portfolio.models import ContractMoney, LineMoney
from app.portfolio.queries import Filters, lead_supplier, narrowed
from app.portfolio.states import MOVED, year_start


def by_supplier(session: Session, f: Filters, year: int, top: int) -> list[dict[str, Any]]:
    """Annual spend still with each supplier (lines not yet moved, plus unallocated).

    A contract's spend is split across its suppliers in proportion to their own award values
    when every one of them has one (in one currency); otherwise all of it is the lead
    supplier's. `split` says whether any of a supplier's figure is such a share.
    """
    per_contract = _spend_per_contract(f, year)
    weights = _award_weights(per_contract)
    split = func.coalesce(weights.c.split, False)
    share = case(
        (split, per_contract.c.amount * ContractSupplier.award_value / weights.c.total),
        else_=per_contract.c.amount,
    )
    supplier = lead_supplier().label("supplier")
    # Each supplier's share is rounded to the penny, as every amount the report shows is.
    total = func.sum(func.round(share, 2))
    stmt: Select[Any] = (
        select(
            supplier,
            total.label("amount"),
            func.count(func.distinct(per_contract.c.contract_id)).label("contracts"),
            func.max(case((split, 1), else_=0)).label("split"),
        )
        .select_from(per_contract)
        .outerjoin(weights, weights.c.contract_id == per_contract.c.contract_id)
        .outerjoin(
            ContractSupplier,
            and_(
                ContractSupplier.contract_id == per_contract.c.contract_id,
                or_(split, ContractSupplier.position == 0),
            ),
        )
        .group_by(supplier)
        .order_by(total.desc(), supplier)
        .limit(top)
    )
    return [dict(r._mapping) | {"split": bool(r.split)} for r in session.execute(stmt)]


def _spend_per_contract(f: Filters, year: int) -> Any:
    """Each contract's annual spend still with its suppliers in the year, one row a contract."""
    moved_by = and_(
        Case.state.in_(sorted(MOVED)),
        or_(LineMoney.actual_from.is_(None), LineMoney.actual_from < year_start(year + 1)),
    )
    lines = (
        select(
            LineMoney.contract_id.label("contract_id"),
            case((moved_by, 0), else_=func.coalesce(LineMoney.baseline_amount, 0)).label("amount"),
        )
        .select_from(LineMoney)
        .outerjoin(Case, Case.component_id == LineMoney.component_id)
        .where(LineMoney.currency == f.currency, *narrowed(LineMoney.contract_id, f))
    )
    rest = select(ContractMoney.contract_id, ContractMoney.unallocated_amount).where(
        ContractMoney.currency == f.currency, *narrowed(ContractMoney.contract_id, f)
    )
    both = lines.union_all(rest).subquery()
    # Sum to one row a contract first: the suppliers are looked up once a contract.
    return (
        select(both.c.contract_id, func.sum(both.c.amount).label("amount"))
        .group_by(both.c.contract_id)
        .cte("per_contract")
    )


def split_by_award_value() -> ColumnElement[bool]:
    """Over a contract's grouped supplier rows: true when its spend splits by award value."""
    n = func.count()
    return and_(
        n > 1,  # one supplier gets it all either way: it is the lead's, not a split
        func.count(ContractSupplier.award_value) == n,
        func.count(ContractSupplier.award_currency) == n,
        func.min(ContractSupplier.award_currency) == func.max(ContractSupplier.award_currency),
        func.sum(ContractSupplier.award_value) > 0,
    )


def split_contract_ids() -> Select[Any]:
    """Ids of the contracts whose spend splits across their suppliers by award value."""
    return (
        select(ContractSupplier.contract_id)
        .group_by(ContractSupplier.contract_id)
        .having(split_by_award_value())
    )


def _award_weights(per_contract: Any) -> Any:
    """Per contract: whether its spend splits by award value, and the sum of those values."""
    return (
        select(
            ContractSupplier.contract_id.label("contract_id"),
            split_by_award_value().label("split"),
            func.sum(ContractSupplier.award_value).label("total"),
        )
        # Only the contracts with spend: the supplier table is not read whole.
        .where(ContractSupplier.contract_id.in_(select(per_contract.c.contract_id)))
        .group_by(ContractSupplier.contract_id)
        .subquery()
    )
