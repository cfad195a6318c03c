"""Where a service line stands for the money: outsourced, in transition or moved; lead scaling."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# service_component.yaml's states, grouped as a digital leader reads them. A test checks
# every name here is a state of the shipped definition.
DECIDING = frozenset({"identified", "assessed", "route_proposed"})
"""No approved route yet: these lines are the ones a cliff edge waits on."""
MOVED = frozenset(
    {"live", "operation_live", "new_contract_live", "commodity_live", "decommissioned"}
)
"""The line has left the incumbent contract."""
STAYING = frozenset({"extension_requested", "extension_approved", "extended", "cancelled"})
"""Retained on (or never taken off) the incumbent contract: still outsourced."""
STATES = ("outsourced", "in_transition", "moved")

ROUTES = (
    "build_in_house",
    "insource_operation",
    "reprocure",
    "buy_commodity",
    "retain_extend",
    "decommission",
)
IN_HOUSE_ROUTES = frozenset({"build_in_house", "insource_operation"})
"""Routes whose line, once moved, is run by an in-house team (a built service or an
insourced operation)."""
ROUTE_UNDECIDED = "undecided"


@dataclass(frozen=True)
class LeadScale:
    """How route lead times scale with a contract's size and tier (app/config.py settings)."""

    tier_factors: Mapping[int, float] = field(default_factory=dict)
    """Multipliers by tier (1 most critical); a tier not named is 1.0."""
    major_annual_value: int = 20_000_000
    major_exit_days: int = 1461


def annual_value(value: Decimal | None, start: date | None, end: date | None) -> Decimal | None:
    """The contract's value a year over its term; the whole value when the term is unknown."""
    if value is None:
        return None
    if start is None or end is None or end <= start:
        return value  # unknown term: counted as one year's, the cautious reading
    years = Decimal((end - start).days) / Decimal("365.25")
    return value / max(years, Decimal(1))


def lead_factor(
    *,
    tier: int | None,
    yearly_value: Decimal | None,
    slowest_days: int,
    transition_days: int,
    scale: LeadScale,
) -> float:
    """The multiplier on every route's lead time: the tier's, or a major contract's if more.

    Government Commercial Function, "Exiting Major IT Contracts: Guidance for Departments"
    (2017): exiting a large expiring IT contract (spend over about £20m a year) "typically,
    in reality, takes four years", so on such a contract the slowest route plus the
    transition is stretched to four years, and every route in proportion.
    """
    factor = scale.tier_factors.get(tier, 1.0) if tier is not None else 1.0
    major = yearly_value is not None and yearly_value >= scale.major_annual_value
    if major and slowest_days > 0:
        factor = max(factor, (scale.major_exit_days - transition_days) / slowest_days)
    return max(factor, 1.0)


def scaled_lead_days(
    days: Mapping[str, int],
    *,
    tier: int | None,
    yearly_value: Decimal | None,
    scale: LeadScale,
    transition_days: int = 0,
) -> dict[str, int]:
    """Lead days per route for one contract: the one rule cliff edges and deadlines share.

    The days are the deadlines' (app/deadlines/terms.py, HANDOVER_ROUTE_LEAD_DAYS over them);
    configured_lead_times applies this to them and app/portfolio/cliff.py uses its answer.
    """
    # The transition (handover, parallel running) is fixed work and is not scaled.
    factor = lead_factor(
        tier=tier,
        yearly_value=yearly_value,
        slowest_days=max(days.values(), default=0),
        transition_days=transition_days,
        scale=scale,
    )
    return {route: math.ceil(d * factor) for route, d in days.items()}


AMBER_MARGIN_DAYS = 180
"""A line ready less than this before the hard stop is amber: no room for a slip."""

BASELINE_SOURCES = ("spend_analysis", "invoice_data", "estimate")


def financial_year(day: date) -> int:
    """The UK financial year (1 April to 31 March) holding the day, by its first year."""
    return day.year if day.month >= 4 else day.year - 1


def year_start(year: int) -> date:
    """1 April of the financial year."""
    return date(year, 4, 1)


def year_label(year: int) -> str:
    """The usual label of a financial year: 2026 is "2026-27"."""
    return f"{year}-{(year + 1) % 100:02d}"
