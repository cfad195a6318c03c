"""Money of the portfolio: each service line's costs, and a contract's unallocated run-rate."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

Amount = Numeric(18, 2)


class LineMoney(Base):
    """What one service line (component) costs: baseline, appraisal, chosen route, actuals.

    Kept beside the component rather than on it, so the cases schema need not change. Every
    amount is in the line's one currency.
    """

    __tablename__ = "line_money"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id"), unique=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    """Copied from the component, so portfolio queries join one table fewer."""
    currency: Mapped[str] = mapped_column(String(3))
    """ISO 4217 code of every amount on the line."""
    baseline_amount: Mapped[Decimal | None] = mapped_column(Amount)
    """Annual run cost on the incumbent contract."""
    baseline_source: Mapped[str | None] = mapped_column(String(20))
    """spend_analysis, invoice_data or estimate."""
    baseline_year: Mapped[int | None]
    """Financial year of the baseline, by its first calendar year (2026 is 2026-27)."""
    should_cost_amount: Mapped[Decimal | None] = mapped_column(Amount)
    """Annual should-cost from the delivery model assessment."""
    comparator_amount: Mapped[Decimal | None] = mapped_column(Amount)
    """Annual public sector comparator from the delivery model assessment."""
    route_run_cost_amount: Mapped[Decimal | None] = mapped_column(Amount)
    """Expected annual run cost on the approved route."""
    transition_cost_amount: Mapped[Decimal | None] = mapped_column(Amount)
    """Expected one-off cost of the transition."""
    team_size: Mapped[int | None]
    """Full-time equivalents of the in-house team, once live."""
    in_house_run_cost_amount: Mapped[Decimal | None] = mapped_column(Amount)
    """Annual run cost of the in-house service, once live."""
    actual_amount: Mapped[Decimal | None] = mapped_column(Amount)
    """Actual annual cost once the line has moved."""
    actual_from: Mapped[date | None]
    """The date the actual cost runs from (the move)."""
    version: Mapped[int] = mapped_column(default=1)
    """Bumped on every change; optimistic concurrency."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": version}


class ContractMoney(Base):
    """The part of a contract's annual run-rate not allocated to any service line."""

    __tablename__ = "contract_money"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    unallocated_amount: Mapped[Decimal] = mapped_column(Amount)
    """Annual run cost of the contract beyond its lines' baselines."""
    year: Mapped[int | None]
    """Financial year of the figure (2026 is 2026-27)."""
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": version}
