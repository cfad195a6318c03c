"""Cliff edges: each contract's undecided lines against its hard stop, by its own lead times.

The lead time of a line is the one the route-decision deadlines use (configured_lead_times
in app/deadlines/service.py): the route's procurement or build days, from
HANDOVER_ROUTE_LEAD_DAYS over the defaults, scaled for the contract's size and tier by
scaled_lead_days (app/portfolio/states.py), plus the transition. A major contract (Government
Commercial Function, "Exiting Major IT Contracts: Guidance for Departments", 2017: spend over
about £20m a year, an exit that "typically, in reality, takes four years") therefore meets its
cliff edge sooner than a small one with the same dates, and a line is red here exactly when
the time its route needs no longer fits before the hard stop.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Literal

from sqlalchemy.orm import Session

from app.config import Settings
from app.deadlines.service import configured_lead_times, lead_scale
from app.deadlines.terms import LeadTimes
from app.portfolio import queries
from app.portfolio.queries import Candidate, Filters
from app.portfolio.states import AMBER_MARGIN_DAYS, annual_value, scaled_lead_days

Rating = Literal["red", "amber", "green"]


@dataclass(frozen=True)
class Leads:
    """One contract's days from choosing a line's route to the line being off the contract."""

    times: LeadTimes

    def of(self, route: str | None) -> int:
        """A route's lead plus the transition; a line with no (known) route at the slowest."""
        days = self.times.procurement_days.get(route) if route else None
        if days is None:
            days = self.times.longest()[1]
        return days + self.times.transition_days


@dataclass(frozen=True)
class Rated:
    """A contract on the cliff-edge list: its hard stop, lead times, rating and line count."""

    contract: Candidate
    leads: Leads
    ready: date
    rating: Rating
    lines: int


def contract_leads(settings: Settings, row: Candidate) -> Leads:
    """The contract's lead times exactly as configured_lead_times gives them (a test holds the
    two equal), from the candidate's columns rather than a loaded contract."""
    base = configured_lead_times(settings)
    days = scaled_lead_days(
        base.procurement_days,
        tier=row.tier,
        yearly_value=annual_value(
            row.value_amount, row.start_date, row.max_end_date or row.end_date
        ),
        scale=lead_scale(settings),
        transition_days=base.transition_days,
    )
    return Leads(LeadTimes(procurement_days=days, transition_days=base.transition_days))


def rating_of(hard_stop: date, ready: date) -> Rating:
    """red when the line cannot be ready by the hard stop, amber with under the margin left."""
    if hard_stop < ready:
        return "red"
    if hard_stop < ready + timedelta(days=AMBER_MARGIN_DAYS):
        return "amber"
    return "green"


def _lead_range(settings: Settings) -> tuple[int, int]:
    """The shortest and longest lead any line can have: bounds for the SQL to narrow by."""
    base = configured_lead_times(settings)
    shortest = min(base.procurement_days.values()) + base.transition_days
    # The rule's worst case: the largest tier factor or a major contract, whichever is more.
    worst = max(
        max(
            scaled_lead_days(
                base.procurement_days,
                tier=tier,
                yearly_value=Decimal(settings.major_contract_annual_value),
                scale=lead_scale(settings),
                transition_days=base.transition_days,
            ).values()
        )
        for tier in (None, *settings.lead_time_tier_factors)
    )
    return shortest, worst + base.transition_days


def _stop_bounds(
    rating: str | None, today: date, settings: Settings
) -> tuple[date | None, date | None]:
    """Hard stops that can hold a contract of the rating (a superset; Python decides)."""
    if rating is None:
        return None, None
    low, high = _lead_range(settings)
    margin = timedelta(days=AMBER_MARGIN_DAYS)
    try:
        if rating == "red":
            return None, today + timedelta(days=high)
        if rating == "amber":
            return today + timedelta(days=low), today + timedelta(days=high) + margin
        return today + timedelta(days=low) + margin, None
    except OverflowError:  # a lead reaching past the calendar: no bound
        return None, None


def rated(
    session: Session,
    f: Filters,
    today: date,
    rating: str | None,
    offset: int,
    limit: int,
    settings: Settings,
) -> list[Rated]:
    """A page of contracts with undecided lines, soonest hard stop first, each rated."""
    stop_from, stop_before = _stop_bounds(rating, today, settings)
    out: list[Rated] = []
    skipped = 0
    # Contracts of one size, tier and term share their lead times: worked out once each.
    known: dict[tuple[object, ...], Leads] = {}
    rows = queries.cliff_candidates(session, f, stop_from, stop_before)
    with closing(rows):
        for _cid, group in groupby(rows, key=lambda r: r.contract_id):
            found = list(group)
            c = found[0]
            key = (c.tier, c.value_amount, c.start_date, c.max_end_date or c.end_date)
            if (leads := known.get(key)) is None:
                leads = known[key] = contract_leads(settings, c)
            ready = today + timedelta(days=max(leads.of(r.route) for r in found))
            rated_as = rating_of(c.hard_stop, ready)
            if rating is not None and rated_as != rating:
                continue
            if skipped < offset:
                skipped += 1
                continue
            out.append(Rated(c, leads, ready, rated_as, sum(r.lines for r in found)))
            if len(out) >= limit:
                break
    return out
