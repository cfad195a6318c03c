"""Response shapes of GET /api/portfolio and its cliff edges."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

Amount = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["1200000.00"])]
"""An amount in the portfolio's currency; savings may be negative."""


class Headline(BaseModel):
    """The figures a digital leader reads first."""

    annual_spend: Amount
    outsourced: Amount
    in_transition: Amount
    moved: Amount
    contracts: int
    lines: int
    lines_without_baseline: int
    moved_without_actuals: int


class StateSpend(BaseModel):
    """Annual spend in one standing."""

    state: Literal["outsourced", "in_transition", "moved"]
    annual_spend: Amount
    lines: int


class RouteSpend(BaseModel):
    """Annual spend and baseline of the lines on one route."""

    route: str
    annual_spend: Amount
    baseline: Amount
    lines: int


class SupplierSpend(BaseModel):
    """Annual spend still with a supplier, and its share of all outsourced spend."""

    supplier: str
    annual_spend: Amount
    contracts: int
    share: float
    split_by_award_value: bool = False
    """True when some of this figure is a share of a contract split across its suppliers by
    their own award values (every supplier had one); False when it is all as lead supplier."""


class YearSpend(BaseModel):
    """Annual spend by standing in one financial year."""

    financial_year: int
    label: str
    outsourced: Amount
    in_transition: Amount
    moved: Amount


class YearMove(BaseModel):
    """Baseline moved to in-house teams in one financial year, and what the teams cost."""

    financial_year: int
    label: str
    baseline_moved: Amount
    in_house_run_cost: Amount
    lines: int


class Savings(BaseModel):
    """Planned (approved routes' expected cost) against realised (actuals) annual savings."""

    planned_annual: Amount
    planned_lines: int
    realised_annual: Amount
    realised_lines: int
    transition_cost: Amount


class Extensions(BaseModel):
    """Annual spend on lines retained by extending the incumbent contract."""

    annual_spend: Amount
    lines: int


class KindDue(BaseModel):
    """Open deadlines of one kind due within the horizon."""

    kind: str
    count: int
    first_date: date


class ApprovalWaiting(BaseModel):
    """Cases waiting for an approver."""

    workflow: str
    state: str
    count: int


class Due(BaseModel):
    """Approvals and notices due soon."""

    until: date
    deadlines: list[KindDue]
    approvals_waiting: list[ApprovalWaiting]


class OtherCurrency(BaseModel):
    """Lines in another currency, left out of the figures."""

    currency: str
    lines: int


class PortfolioOut(BaseModel):
    """Money across the portfolio for one financial year and currency."""

    currency: str
    financial_year: int
    financial_year_label: str
    today: date
    headline: Headline
    by_state: list[StateSpend]
    by_route: list[RouteSpend]
    by_supplier: list[SupplierSpend]
    over_time: list[YearSpend]
    moved_to_in_house: list[YearMove]
    savings: Savings
    extensions: Extensions
    due: Due
    other_currencies: list[OtherCurrency]


class SlowLine(BaseModel):
    """The line that will be ready last."""

    component_id: int
    case_id: int
    name: str
    state: str
    route: str | None
    lead_time_days: int


class CliffEdge(BaseModel):
    """A contract rated on whether its slowest undecided line can be ready by the hard stop."""

    contract_id: int
    reference: str
    title: str
    buyer: str
    hard_stop: date
    ready_by: date
    slack_days: int
    rating: Literal["red", "amber", "green"]
    reason: str
    undecided_lines: int
    slowest_line: SlowLine
