"""Request and response shapes of the money endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.contracts.schemas import ContractDate, Money, MoneyOut, Strict

FinancialYear = Annotated[
    int, Field(ge=1990, le=2200, description="First calendar year: 2026 is 2026-27.")
]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Baseline(Strict):
    """The line's annual run cost on the incumbent contract."""

    annual_cost: Money
    source: Literal["spend_analysis", "invoice_data", "estimate"]
    financial_year: FinancialYear


class Appraisal(Strict):
    """Figures from the delivery model assessment, per year."""

    should_cost: Money | None = None
    public_sector_comparator: Money | None = None


class RouteCost(Strict):
    """What the approved route is expected to cost."""

    annual_run_cost: Money | None = None
    transition_cost: Money | None = None


class InHouse(Strict):
    """An in-house service once live: its team and run cost."""

    team_size: Annotated[int, Field(ge=0, le=100_000)] | None = None
    annual_run_cost: Money | None = None


class Actual(Strict):
    """The line's actual annual cost from the day it moved."""

    annual_cost: Money
    from_date: ContractDate


class LineMoneyIn(Strict):
    """A change to a line's money: each group sent replaces the recorded one; null clears it."""

    baseline: Baseline | None = None
    appraisal: Appraisal | None = None
    route_cost: RouteCost | None = None
    in_house: InHouse | None = None
    actual: Actual | None = None
    version: int | None = Field(default=None, description="The version the change was made on.")
    reason: Reason | None = None


class BaselineOut(BaseModel):
    """The recorded baseline."""

    annual_cost: MoneyOut
    source: str
    financial_year: int
    financial_year_label: str


class AppraisalOut(BaseModel):
    """The recorded appraisal figures."""

    should_cost: MoneyOut | None
    public_sector_comparator: MoneyOut | None


class RouteCostOut(BaseModel):
    """The recorded route costs."""

    annual_run_cost: MoneyOut | None
    transition_cost: MoneyOut | None


class InHouseOut(BaseModel):
    """The recorded in-house figures."""

    team_size: int | None
    annual_run_cost: MoneyOut | None


class ActualOut(BaseModel):
    """The recorded actual cost."""

    annual_cost: MoneyOut
    from_date: date


class SavingOut(BaseModel):
    """A saving a year: negative when the new way costs more than the baseline."""

    amount: Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["-1500.00"])]
    currency: str


class LineMoneyOut(BaseModel):
    """A service line's money, with where the line stands and what it saves."""

    component_id: int
    name: str
    contract_id: int | None
    case_id: int | None
    state: str | None
    route: str | None
    standing: Literal["outsourced", "in_transition", "moved"]
    currency: str | None
    baseline: BaselineOut | None
    appraisal: AppraisalOut | None
    route_cost: RouteCostOut | None
    in_house: InHouseOut | None
    actual: ActualOut | None
    planned_annual_saving: SavingOut | None
    realised_annual_saving: SavingOut | None
    version: int | None


class ContractMoneyIn(Strict):
    """The contract's annual run cost not allocated to any line."""

    unallocated: Money
    financial_year: FinancialYear | None = None
    version: int | None = None
    reason: Reason | None = None


class ContractMoneyOut(BaseModel):
    """A contract's annual run-rate (lines plus unallocated), apart from its total value."""

    contract_id: int
    currency: str | None
    annual_run_rate: MoneyOut | None
    lines_baseline: MoneyOut | None
    unallocated: MoneyOut | None
    unallocated_financial_year: int | None
    total_value: MoneyOut | None
    lines: list[LineMoneyOut]
    version: int | None
