"""Lines and contracts' money in API shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.contracts.models import Contract
from app.contracts.money import amount_text
from app.contracts.schemas import MoneyOut
from app.portfolio.models import ContractMoney, LineMoney
from app.portfolio.schemas import (
    ActualOut,
    AppraisalOut,
    BaselineOut,
    ContractMoneyOut,
    InHouseOut,
    LineMoneyOut,
    RouteCostOut,
    SavingOut,
)
from app.portfolio.service import Line
from app.portfolio.states import DECIDING, MOVED, STAYING, year_label


def standing(state: str | None) -> str:
    """outsourced, in_transition or moved, from the component case's state."""
    if state in MOVED:
        return "moved"
    if state is None or state in DECIDING or state in STAYING or state == "route_approved":
        return "outsourced"
    return "in_transition"


def money(amount: Decimal | None, currency: str | None) -> MoneyOut | None:
    """An amount as responses show it, or None."""
    if amount is None or currency is None:
        return None
    return MoneyOut(amount=amount_text(amount), currency=currency)


def _saving(baseline: Decimal | None, cost: Decimal | None, cur: str | None) -> SavingOut | None:
    if baseline is None or cost is None or cur is None:
        return None
    return SavingOut(amount=amount_text(baseline - cost), currency=cur)


def _groups(m: LineMoney | None) -> dict[str, Any]:
    """The recorded groups of a line's money, None where nothing is recorded."""
    cur = m.currency if m else None
    return {
        "baseline": (
            BaselineOut(
                annual_cost=MoneyOut(amount=amount_text(m.baseline_amount), currency=m.currency),
                source=m.baseline_source or "estimate",
                financial_year=m.baseline_year or 0,
                financial_year_label=year_label(m.baseline_year or 0),
            )
            if m and m.baseline_amount is not None
            else None
        ),
        "appraisal": (
            AppraisalOut(
                should_cost=money(m.should_cost_amount, cur),
                public_sector_comparator=money(m.comparator_amount, cur),
            )
            if m and (m.should_cost_amount is not None or m.comparator_amount is not None)
            else None
        ),
        "route_cost": (
            RouteCostOut(
                annual_run_cost=money(m.route_run_cost_amount, cur),
                transition_cost=money(m.transition_cost_amount, cur),
            )
            if m and (m.route_run_cost_amount is not None or m.transition_cost_amount is not None)
            else None
        ),
        "in_house": (
            InHouseOut(
                team_size=m.team_size, annual_run_cost=money(m.in_house_run_cost_amount, cur)
            )
            if m and (m.team_size is not None or m.in_house_run_cost_amount is not None)
            else None
        ),
        "actual": (
            ActualOut(
                annual_cost=MoneyOut(amount=amount_text(m.actual_amount), currency=m.currency),
                from_date=m.actual_from,
            )
            if m and m.actual_amount is not None and m.actual_from is not None
            else None
        ),
    }


def line_out(line: Line) -> LineMoneyOut:
    """One line's money."""
    m, case = line.money, line.case
    cur = m.currency if m else None
    state = case.state if case else None
    return LineMoneyOut(
        component_id=line.component.id,
        name=line.component.name,
        contract_id=line.component.contract_id,
        case_id=case.id if case else None,
        state=state,
        route=case.route if case else None,
        standing=standing(state),
        currency=cur,
        **_groups(m),
        planned_annual_saving=(
            _saving(m.baseline_amount, m.route_run_cost_amount, cur) if m else None
        ),
        realised_annual_saving=(_saving(m.baseline_amount, m.actual_amount, cur) if m else None),
        version=m.version if m else None,
    )


def contract_money_out(
    contract: Contract, money_row: ContractMoney | None, lines: list[Line]
) -> ContractMoneyOut:
    """A contract's run-rate: the lines' baselines plus the unallocated remainder."""
    currencies = {ln.money.currency for ln in lines if ln.money is not None}
    cur = money_row.currency if money_row else (min(currencies) if currencies else None)
    baselines = [
        ln.money.baseline_amount
        for ln in lines
        if ln.money is not None and ln.money.baseline_amount is not None
    ]
    lines_total = sum(baselines, Decimal(0)) if baselines else None
    unallocated = money_row.unallocated_amount if money_row else None
    run_rate = (
        (lines_total or Decimal(0)) + (unallocated or Decimal(0))
        if lines_total is not None or unallocated is not None
        else None
    )
    return ContractMoneyOut(
        contract_id=contract.id,
        currency=cur,
        annual_run_rate=money(run_rate, cur),
        lines_baseline=money(lines_total, cur),
        unallocated=money(unallocated, cur),
        unallocated_financial_year=money_row.year if money_row else None,
        total_value=money(contract.value_amount, contract.value_currency),
        lines=[line_out(ln) for ln in lines],
        version=money_row.version if money_row else None,
    )
