"""Cliff edges use the deadlines' lead times, scaled for a major contract (issue 14).

Source: Government Commercial Function (Cabinet Office), "Exiting Major IT Contracts: Guidance
for Departments" (November 2017): a large expiring IT contract spends over about £20m a year
and its exit "typically, in reality, takes four years". Route-decision deadlines already
stretch the slowest route plus the transition to HANDOVER_MAJOR_EXIT_DAYS (1461) on such a
contract; the cliff edges now apply the same rule, so a major contract is red or amber where a
small one with the same dates is green.

By hand, today 2026-11-25, every contract 2024-04-01 to 2029-03-31 (1,825 days, 4.997 years),
so its hard stop is 2029-03-31 (no maximum end date, no options):

  small  £1m in all, £200k a year: factor 1
    reprocure     270 + 90 transition = 360 days: ready 2027-11-20, 497 days spare: green
    decommission  180 + 90            = 270 days: ready 2027-08-22, 587 days spare: green
  major  £250m in all, £50m a year (over £20m): factor (1461 - 90) / 365 (build_in_house,
         the slowest) = 3.7562
    reprocure     ceil(270 x 1371 / 365) = 1015, + 90 = 1105 days: ready 2029-12-04,
                  248 days after the hard stop: red
    decommission  ceil(180 x 1371 / 365) =  677, + 90 =  767 days: ready 2028-12-31,
                  90 days before the hard stop (under 180): amber
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.contracts.models import Contract
from app.deadlines.service import configured_lead_times
from app.portfolio import queries, report
from app.portfolio.cliff import contract_leads
from app.portfolio.queries import Filters
from tests.portfolio.conftest import Desk

TODAY = date(2026, 11, 25)
TERM = {"start_date": "2024-04-01", "end_date": "2029-03-31"}
SMALL = {"amount": "1000000.00", "currency": "GBP"}
MAJOR = {"amount": "250000000.00", "currency": "GBP"}


@pytest.fixture
def pairs(desk: Desk) -> Desk:
    """Four contracts with the same dates: small and major, each reprocured and switched off."""
    for reference, value, route in (
        ("S-R", SMALL, "reprocure"),
        ("M-R", MAJOR, "reprocure"),
        ("S-D", SMALL, "decommission"),
        ("M-D", MAJOR, "decommission"),
    ):
        cid = desk.contract(reference, value=value, **TERM)
        _review, (line,) = desk.review(cid, [f"Line of {reference}"])
        desk.propose(line["id"], route)
    return desk


def _edges(desk: Desk, **params: Any) -> dict[str, tuple[str, str, int, int]]:
    res = desk.client.get("/api/portfolio/cliff-edges", params=params, headers=desk.people["vic"])
    assert res.status_code == 200, res.text
    return {
        e["reference"]: (
            e["rating"],
            e["ready_by"],
            e["slack_days"],
            e["slowest_line"]["lead_time_days"],
        )
        for e in res.json()["items"]
    }


def test_a_major_contract_meets_its_cliff_edge_where_a_small_one_is_green(pairs: Desk) -> None:
    assert _edges(pairs) == {
        "S-R": ("green", "2027-11-20", 497, 360),
        "M-R": ("red", "2029-12-04", -248, 1105),
        "S-D": ("green", "2027-08-22", 587, 270),
        "M-D": ("amber", "2028-12-31", 90, 767),
    }


def test_the_rating_filter_and_pages_use_the_scaled_rating(pairs: Desk) -> None:
    assert list(_edges(pairs, rating="red")) == ["M-R"]
    assert list(_edges(pairs, rating="amber")) == ["M-D"]
    assert sorted(_edges(pairs, rating="green")) == ["S-D", "S-R"]
    first = pairs.client.get(
        "/api/portfolio/cliff-edges",
        params={"rating": "green", "limit": 1},
        headers=pairs.people["vic"],
    ).json()
    rest = pairs.client.get(
        "/api/portfolio/cliff-edges",
        params={"rating": "green", "limit": 1, "cursor": first["next"]},
        headers=pairs.people["vic"],
    ).json()
    assert len(first["items"]) == len(rest["items"]) == 1 and rest["next"] is None
    assert {first["items"][0]["reference"], rest["items"][0]["reference"]} == {"S-D", "S-R"}


def test_the_settings_that_move_deadlines_move_cliff_edges(
    pairs: Desk, db: sessionmaker[Session], settings: Settings
) -> None:
    # Over £60m a year, £50m is no longer major: every pair is rated as the small one.
    raised = settings.model_copy(update={"major_contract_annual_value": 60_000_000})
    # A 500-day reprocurement (HANDOVER_ROUTE_LEAD_DAYS) is ready on day 590: 2028-07-07,
    # 267 days before the hard stop, still green on a small contract.
    slower = raised.model_copy(update={"route_lead_days": {"reprocure": 500}})
    with db() as session:
        f = Filters(currency="GBP")
        plain = report.cliff_edges(session, f, TODAY, None, 0, 10, raised)
        assert {e.reference: e.rating for e in plain} == dict.fromkeys(
            ("S-R", "M-R", "S-D", "M-D"), "green"
        )
        slow = report.cliff_edges(session, f, TODAY, "green", 0, 10, slower)
        ready = {e.reference: (e.ready_by, e.slack_days) for e in slow}
        assert ready["S-R"] == ready["M-R"] == (date(2028, 7, 7), 267)


def test_cliff_edges_and_deadlines_share_one_lead_time_rule(
    pairs: Desk, db: sessionmaker[Session], settings: Settings
) -> None:
    # The cliff edges read a contract's columns, the deadlines the loaded contract: both go
    # through scaled_lead_days and must agree, contract by contract, under any settings.
    tiered = settings.model_copy(update={"lead_time_tier_factors": {2: 1.3}})
    with db() as session:
        rows = list(queries.cliff_candidates(session, Filters(currency="GBP"), None, None))
        assert len(rows) == 4
        for conf in (settings, tiered):
            for row in rows:
                contract = session.get(Contract, row.contract_id)
                assert contract is not None
                assert contract_leads(conf, row).times == configured_lead_times(conf, contract)
