"""Route lead times scale with a contract's size and tier (issue 14).

Source: Government Commercial Function (Cabinet Office), "Exiting Major IT Contracts:
Guidance for Departments" (November 2017): a large expiring IT contract has spend over about
£20m a year, and its complete exit and transition "typically, in reality, takes four years".
Tier multipliers are configurable and 1.0 by default: no guidance sets one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.deadlines.service import configured_lead_times, lead_scale
from app.deadlines.terms import LeadTimes
from app.portfolio.states import LeadScale, annual_value, scaled_lead_days
from tests.contracts.test_contracts_api import BASE, create

SCALE = LeadScale(tier_factors={1: 1.5, 2: 1.25, 3: 1.0})


def test_a_small_tier_3_contract_keeps_the_base_lead_times() -> None:
    base = dict(LeadTimes().procurement_days)
    days = scaled_lead_days(base, tier=3, yearly_value=Decimal(500_000), scale=SCALE)
    assert days == base


def test_the_tier_multiplies_every_route() -> None:
    days = scaled_lead_days(
        {"reprocure": 100, "decommission": 10}, tier=1, yearly_value=None, scale=SCALE
    )
    assert days == {"reprocure": 150, "decommission": 15}
    assert scaled_lead_days({"reprocure": 100}, tier=None, yearly_value=None, scale=SCALE) == {
        "reprocure": 100
    }


def test_a_major_contract_takes_four_years_for_its_slowest_route_and_transition() -> None:
    base = dict(LeadTimes().procurement_days)
    days = scaled_lead_days(
        base, tier=3, yearly_value=Decimal(25_000_000), scale=SCALE, transition_days=90
    )
    slowest = max(days, key=lambda r: days[r])
    assert slowest == max(base, key=lambda r: base[r])
    assert days[slowest] + 90 == 1461
    # Every route in proportion, never shorter than its base.
    assert all(days[r] >= base[r] for r in base)


def test_the_yearly_value_spreads_the_value_over_the_term() -> None:
    ten_years = annual_value(Decimal(300_000_000), date(2020, 1, 1), date(2030, 1, 1))
    assert ten_years is not None and Decimal(29_000_000) < ten_years < Decimal(31_000_000)
    assert annual_value(Decimal(5), None, None) == Decimal(5)  # unknown term: cautious
    assert annual_value(None, date(2020, 1, 1), date(2021, 1, 1)) is None


def test_settings_change_the_rule() -> None:
    settings = Settings(lead_time_tier_factors={1: 2.0}, major_exit_days=1000)
    scale = lead_scale(settings)
    assert scale.tier_factors == {1: 2.0} and scale.major_exit_days == 1000
    assert configured_lead_times(settings).procurement_days == LeadTimes().procurement_days


def _route_decision(contract: dict[str, Any]) -> str:
    found = [d["date"] for d in contract["deadlines"] if d["kind"] == "route_decision"]
    assert found, contract["deadlines"]
    return str(min(found))


def test_a_major_contract_must_decide_earlier_and_tiers_do_not_scale_by_default(
    client: TestClient, pm: dict[str, str]
) -> None:
    small = create(
        client, pm, reference="S-3", tier=3, value={"amount": "1000000.00", "currency": "GBP"}
    )
    critical = create(client, pm, reference="C-1", tier=1, value=small["value"])
    major = create(
        client, pm, reference="M-3", tier=3, value={"amount": "400000000.00", "currency": "GBP"}
    )
    assert _route_decision(major) < _route_decision(critical) == _route_decision(small)
    assert BASE["end_date"] == small["end_date"] == major["end_date"]
    assert LeadScale().tier_factors == {} and Settings().lead_time_tier_factors == {
        1: 1.0,
        2: 1.0,
        3: 1.0,
    }
