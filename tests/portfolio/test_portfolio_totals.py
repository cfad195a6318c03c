"""A portfolio built through the API; every total and rating checked against sums by hand.

Today is 2026-11-25 (financial year 2026-27). The portfolio, in pounds a year:

  A  Atos, tier 1, hard stop 2028-10-31, unallocated 100,000
     A1 Hosting       baseline 1,000,000  build_in_house  expected 700,000  transition 250,000
                      live; actual 650,000 from 2026-10-01 (8 people)
     A2 Service desk  baseline   400,000  buy_commodity   expected 300,000  transition  50,000
                      live; actual 320,000 from 2026-11-01
  B  Capita, tier 2, hard stop 2027-06-30
     B1 Case mgmt     baseline 2,000,000  reprocure       expected 1,500,000 transition 400,000
                      defining requirements (in transition)
     B2 Printing      baseline   150,000  retain_extend   expected 150,000, route approved
  C  Fujitsu, tier 1, hard stop 2027-03-31, notice 60 days (due 2027-01-30)
     C1 Payroll       baseline   500,000  no route yet
     C2 Finance app   baseline   250,000  buy_commodity proposed (transition 99,000: not approved)
  D  Atos, Ministry of Justice, tier 3, hard stop 2030-12-31
     D1 Network       baseline   800,000  reprocure proposed
  E  no supplier, tier 2, hard stop 2027-10-31
     E1 Records       baseline 50,000 EUR decommission proposed
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.portfolio.conftest import Desk, ev, gbp

FY = {"source": "spend_analysis", "financial_year": 2026}


def _baseline(amount: str) -> dict[str, Any]:
    return {"annual_cost": gbp(amount), **FY}


def _build_in_house_to_live(desk: Desk, case_id: int) -> None:
    report = [ev("service_assessment_report")]
    desk.fire("olu", case_id, "start_discovery", evidence=[ev("assurance_gate_approval")])
    desk.fire("olu", case_id, "start_alpha")
    for _phase in ("alpha", "beta", "live"):
        desk.fire("ana", case_id, "record_assessment", data={"outcome": "met"}, evidence=report)
    desk.fire("olu", case_id, "go_live", evidence=[ev("assurance_gate_approval")])


@pytest.fixture
def portfolio(desk: Desk) -> Desk:
    """Contracts A to E as the module docstring says, built through the API."""
    a = desk.contract(
        "A", tier=1, suppliers=[{"name": "Atos"}], end_date="2027-10-31", max_end_date="2028-10-31"
    )
    review, (a1, a2) = desk.review(a, ["Hosting", "Service desk"])
    desk.money(
        a1["component_id"],
        baseline=_baseline("1000000"),
        route_cost={"annual_run_cost": gbp("700000"), "transition_cost": gbp("250000")},
    )
    desk.money(
        a2["component_id"],
        baseline={**_baseline("400000"), "source": "invoice_data"},
        route_cost={"annual_run_cost": gbp("300000"), "transition_cost": gbp("50000")},
    )
    res = desk.client.put(
        f"/api/contracts/{a}/money",
        json={"unallocated": gbp("100000"), "financial_year": 2026},
        headers=desk.people["chris"],
    )
    assert res.status_code == 200, res.text
    desk.approve_review(review, {a1["id"]: "build_in_house", a2["id"]: "buy_commodity"})
    _build_in_house_to_live(desk, a1["id"])
    desk.commodity_live(a2["id"])
    desk.money(
        a1["component_id"],
        who="olu",
        actual={"annual_cost": gbp("650000"), "from_date": "2026-10-01"},
        in_house={"team_size": 8, "annual_run_cost": gbp("650000")},
    )
    desk.money(a2["component_id"], actual={"annual_cost": gbp("320000"), "from_date": "2026-11-01"})

    b = desk.contract("B", suppliers=[{"name": "Capita"}], end_date="2027-06-30")
    review, (b1, b2) = desk.review(b, ["Case management", "Printing"])
    desk.money(
        b1["component_id"],
        baseline={**_baseline("2000000"), "source": "estimate"},
        route_cost={"annual_run_cost": gbp("1500000"), "transition_cost": gbp("400000")},
    )
    desk.money(
        b2["component_id"],
        baseline=_baseline("150000"),
        route_cost={"annual_run_cost": gbp("150000")},
    )
    desk.approve_review(review, {b1["id"]: "reprocure", b2["id"]: "retain_extend"})
    desk.fire("chris", b1["id"], "start_requirements")

    c = desk.contract(
        "C", tier=1, suppliers=[{"name": "Fujitsu"}], end_date="2027-03-31", notice_period_days=60
    )
    _review, (c1, c2) = desk.review(c, ["Payroll", "Finance app"])
    desk.money(c1["component_id"], baseline=_baseline("500000"))
    desk.money(
        c2["component_id"],
        baseline=_baseline("250000"),
        route_cost={"transition_cost": gbp("99000")},
    )
    desk.propose(c2["id"], "buy_commodity")

    d = desk.contract(
        "D",
        tier=3,
        buyer={"name": "Ministry of Justice"},
        suppliers=[{"name": "Atos"}],
        end_date="2030-06-30",
        max_end_date="2030-12-31",
    )
    _review, (d1,) = desk.review(d, ["Network"])
    desk.money(d1["component_id"], baseline=_baseline("800000"))
    desk.propose(d1["id"], "reprocure")

    e = desk.contract("E", end_date="2027-10-31")
    _review, (e1,) = desk.review(e, ["Records"])
    desk.money(
        e1["component_id"],
        baseline={"annual_cost": {"amount": "50000", "currency": "EUR"}, **FY},
    )
    desk.propose(e1["id"], "decommission")
    return desk


def _get(desk: Desk, path: str, **params: Any) -> Any:
    res = desk.client.get(path, params=params, headers=desk.people["vic"])
    assert res.status_code == 200, res.text
    return res.json()


def test_every_total_of_the_current_year(portfolio: Desk) -> None:
    p = _get(portfolio, "/api/portfolio")
    assert p["financial_year"] == 2026 and p["financial_year_label"] == "2026-27"
    # outsourced: B2 150k + C1 500k + C2 250k + D1 800k + A's unallocated 100k
    outsourced = 150_000 + 500_000 + 250_000 + 800_000 + 100_000
    in_transition = 2_000_000  # B1
    moved = 650_000 + 320_000  # A1 and A2 actuals
    assert p["headline"] == {
        "annual_spend": f"{outsourced + in_transition + moved}.00",
        "outsourced": f"{outsourced}.00",
        "in_transition": f"{in_transition}.00",
        "moved": f"{moved}.00",
        "contracts": 4,
        "lines": 7,
        "lines_without_baseline": 0,
        "moved_without_actuals": 0,
    }
    assert p["by_state"] == [
        {"state": "outsourced", "annual_spend": "1800000.00", "lines": 4},
        {"state": "in_transition", "annual_spend": "2000000.00", "lines": 1},
        {"state": "moved", "annual_spend": "970000.00", "lines": 2},
    ]
    assert p["by_route"] == [
        {
            "route": "build_in_house",
            "annual_spend": "650000.00",
            "baseline": "1000000.00",
            "lines": 1,
        },
        {
            "route": "buy_commodity",
            "annual_spend": "320000.00",
            "baseline": "400000.00",
            "lines": 1,
        },
        {"route": "reprocure", "annual_spend": "2000000.00", "baseline": "2000000.00", "lines": 1},
        {
            "route": "retain_extend",
            "annual_spend": "150000.00",
            "baseline": "150000.00",
            "lines": 1,
        },
        # C1, C2 (proposed, not approved) and D1
        {"route": "undecided", "annual_spend": "1550000.00", "baseline": "1550000.00", "lines": 3},
    ]
    with_suppliers = outsourced + in_transition
    assert p["by_supplier"] == [
        {
            "supplier": "Capita",
            "annual_spend": "2150000.00",
            "contracts": 1,
            "share": round(2_150_000 / with_suppliers, 4),
            "split_by_award_value": False,
        },
        {
            "supplier": "Atos",
            "annual_spend": "900000.00",
            "contracts": 2,
            "share": round(900_000 / with_suppliers, 4),
            "split_by_award_value": False,
        },
        {
            "supplier": "Fujitsu",
            "annual_spend": "750000.00",
            "contracts": 1,
            "share": round(750_000 / with_suppliers, 4),
            "split_by_award_value": False,
        },
    ]
    assert p["savings"] == {
        # approved lines: A1 300k, A2 100k, B1 500k, B2 0
        "planned_annual": "900000.00",
        "planned_lines": 4,
        "realised_annual": f"{(1_000_000 - 650_000) + (400_000 - 320_000)}.00",
        "realised_lines": 2,
        "transition_cost": f"{250_000 + 50_000 + 400_000}.00",
    }
    assert p["extensions"] == {"annual_spend": "150000.00", "lines": 1}
    assert p["other_currencies"] == [{"currency": "EUR", "lines": 1}]


def test_over_time_and_moves_to_in_house(portfolio: Desk) -> None:
    p = _get(portfolio, "/api/portfolio")
    before = {"outsourced": "1800000.00", "in_transition": "3400000.00", "moved": "0.00"}
    after = {"outsourced": "1800000.00", "in_transition": "2000000.00", "moved": "970000.00"}
    assert p["over_time"] == [
        {"financial_year": y, "label": f"{y}-{(y + 1) % 100}", **(before if y < 2026 else after)}
        for y in range(2024, 2029)
    ]
    moves = {m["financial_year"]: m for m in p["moved_to_in_house"]}
    assert moves[2026] == {
        "financial_year": 2026,
        "label": "2026-27",
        "baseline_moved": "1000000.00",
        "in_house_run_cost": "650000.00",
        "lines": 1,
    }
    assert all(m["lines"] == 0 for y, m in moves.items() if y != 2026)
    last_year = _get(portfolio, "/api/portfolio", year=2025)
    assert last_year["headline"]["moved"] == "0.00"
    assert last_year["headline"]["in_transition"] == "3400000.00"


def test_filters_buyer_and_tier(portfolio: Desk) -> None:
    moj = _get(portfolio, "/api/portfolio", buyer="justice")["headline"]
    assert (moj["annual_spend"], moj["outsourced"], moj["contracts"]) == (
        "800000.00",
        "800000.00",
        1,
    )
    tier1 = _get(portfolio, "/api/portfolio", tier=1)["headline"]
    assert tier1["outsourced"] == f"{100_000 + 500_000 + 250_000}.00"
    assert (tier1["in_transition"], tier1["moved"]) == ("0.00", "970000.00")
    eur = _get(portfolio, "/api/portfolio", currency="EUR")["headline"]
    assert eur["outsourced"] == "50000.00" and eur["lines"] == 1
    bad = portfolio.client.get(
        "/api/portfolio", params={"currency": "XYZ", "tier": 9}, headers=portfolio.people["vic"]
    )
    assert bad.status_code == 422


def test_approvals_and_notices_due(portfolio: Desk) -> None:
    due = _get(portfolio, "/api/portfolio")["due"]
    assert due["until"] == "2027-02-23"
    # C2, D1 and E1 wait for the senior responsible owner's approval of their routes.
    assert due["approvals_waiting"] == [
        {"workflow": "service_component", "state": "route_proposed", "count": 3}
    ]
    kinds = {k["kind"]: k for k in due["deadlines"]}
    assert kinds["notice"] == {"kind": "notice", "count": 1, "first_date": "2027-01-30"}
    listed = _get(portfolio, "/api/deadlines", after="2026-11-25", before="2027-02-24", limit=500)
    expected: dict[str, int] = {}
    for d in listed["items"]:
        if d["status"] in ("pending", "missed"):
            expected[d["kind"]] = expected.get(d["kind"], 0) + 1
    assert {k: v["count"] for k, v in kinds.items()} == expected


def test_cliff_edges_rated_soonest_first(portfolio: Desk) -> None:
    page = _get(portfolio, "/api/portfolio/cliff-edges")
    got = [
        (e["reference"], e["rating"], e["hard_stop"], e["ready_by"], e["slack_days"])
        for e in page["items"]
    ]
    assert got == [
        # The deadlines' lead times (app/deadlines/terms.py) plus 90 days' transition, none of
        # these contracts being major. C1 has no route: taken at the slowest, build_in_house's
        # 365 + 90 = 455 days from 2026-11-25.
        ("C", "red", "2027-03-31", "2028-02-23", -329),
        # E1 decommission, 180 + 90 = 270 days: ready 2027-08-22, 70 days before its hard stop
        ("E", "amber", "2027-10-31", "2027-08-22", 70),
        # D1 reprocure, 270 + 90 = 360 days
        ("D", "green", "2030-12-31", "2027-11-20", 1137),
    ]
    red = page["items"][0]
    assert red["slowest_line"]["name"] == "Payroll" and red["undecided_lines"] == 2
    assert "329 days after the hard stop" in red["reason"]
    assert "only 70 days" in page["items"][1]["reason"]
    first = _get(portfolio, "/api/portfolio/cliff-edges", limit=2)
    assert [e["reference"] for e in first["items"]] == ["C", "E"] and first["next"]
    rest = _get(portfolio, "/api/portfolio/cliff-edges", limit=2, cursor=first["next"])
    assert [e["reference"] for e in rest["items"]] == ["D"] and rest["next"] is None
    only_red = _get(portfolio, "/api/portfolio/cliff-edges", rating="red")
    assert [e["reference"] for e in only_red["items"]] == ["C"]
    tier3 = _get(portfolio, "/api/portfolio/cliff-edges", tier=3)
    assert [e["reference"] for e in tier3["items"]] == ["D"]


def test_csv_carries_the_same_figures(portfolio: Desk) -> None:
    res = portfolio.client.get(
        "/api/portfolio", params={"format": "csv"}, headers=portfolio.people["vic"]
    )
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    assert 'filename="portfolio-2026-27.csv"' in res.headers["content-disposition"]
    rows = [line.split(",") for line in res.text.splitlines()]
    assert rows[0] == ["section", "item", "measure", "value", "currency", "financial_year"]
    assert ["headline", "", "moved", "970000.00", "GBP", "2026-27"] in rows
    assert ["by_supplier", "Capita", "annual_spend", "2150000.00", "GBP", "2026-27"] in rows
    assert ["savings", "", "realised_annual", "430000.00", "GBP", "2026-27"] in rows
