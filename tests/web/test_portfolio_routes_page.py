"""The portfolio page's spend by route, moves, savings and next 90 days, over the hand-built
portfolio of tests/portfolio (contracts A to E): figures are the API's, and each figure's
link lists exactly the contracts, deadlines or cases behind it (worked out by hand)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.web.portfolio_view import pounds
from tests.portfolio.conftest import Desk, desk  # noqa: F401  (fixtures)
from tests.portfolio.test_portfolio_totals import portfolio  # noqa: F401  (fixture)
from tests.web.portfolio_helpers import api_get as _api
from tests.web.portfolio_helpers import href as _href
from tests.web.portfolio_helpers import leader  # noqa: F401  (fixture)
from tests.web.portfolio_helpers import listed as _listed

CASE = re.compile(r'<td class="govuk-table__cell"><a class="govuk-link" href="/cases/(\d+)">')
DEADLINE = re.compile(r'href="/deadlines/(\d+)\?')


def test_the_route_table_is_the_apis(portfolio: Desk, leader: TestClient) -> None:  # noqa: F811
    api = _api(portfolio, "/api/portfolio")["by_route"]
    html = leader.get("/portfolio").text
    section = html[html.index('id="routes"') : html.index('id="moves"')]
    for r in api:
        anchor = f'id="route-{r["route"].replace("_", "-")}" href="[^"]+">'
        assert re.search(anchor + re.escape(pounds(r["annual_spend"])) + "<", section), r
        assert f">{pounds(r['baseline'])}<span" in section
    # By hand: B1 re-procured 2,000,000 is the largest; the bar chart is labelled SVG.
    assert pounds(api[2]["annual_spend"]) == "£2,000,000" and api[2]["route"] == "reprocure"
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert 'role="img"' in svg and "<title>Re-procure: £2,000,000</title>" in svg
    assert "style" not in svg


def test_each_route_figure_lists_the_contracts_behind_it(leader: TestClient) -> None:  # noqa: F811
    html = leader.get("/portfolio").text
    # By hand: A1 built in house, A2 bought as a commodity, B1 re-procured, B2 extended;
    # C1 has no route, C2 and D1 only proposed ones. E is in euros, behind no pound figure.
    expected = {
        "route-build-in-house": {"A"},
        "route-buy-commodity": {"A"},
        "route-reprocure": {"B"},
        "route-retain-extend": {"B"},
        "route-undecided": {"C", "D"},
        "figure-extensions": {"B"},
        # A1 moved to an in-house team in 2026-27 (from 2026-10-01); A2 to a commodity.
        "moved-2026": {"A"},
        # Planned: A1, A2, B1, B2 have an approved, costed route; realised: A1 and A2.
        "figure-planned": {"A", "B"},
        "figure-realised": {"A"},
    }
    for anchor_id, contracts in expected.items():
        assert _listed(leader, _href(html, anchor_id)) == contracts, anchor_id
    listed = leader.get(_href(html, "route-undecided")).text
    assert "spend on the route undecided" in listed
    bad = leader.get("/contracts", params={"route": "offshore", "year": "2026"})
    assert bad.status_code == 422 and "Route must be build in house" in bad.text
    assert 'href="#route"' in bad.text and 'id="route"' in bad.text  # the summary's target
    bad = leader.get("/contracts", params={"moved_in": "soon"})
    assert bad.status_code == 422 and "Financial year must be a year like 2026" in bad.text


def test_each_due_count_lists_what_is_behind_it(portfolio: Desk, leader: TestClient) -> None:  # noqa: F811
    due = _api(portfolio, "/api/portfolio")["due"]
    html = leader.get("/portfolio").text
    assert due["deadlines"] and due["approvals_waiting"]
    for d in due["deadlines"]:
        page = leader.get(_href(html, f"due-{d['kind'].replace('_', '-')}"))
        assert page.status_code == 200
        assert len(DEADLINE.findall(page.text)) == d["count"], d
    for a in due["approvals_waiting"]:
        page = leader.get(_href(html, f"waiting-{a['state'].replace('_', '-')}"))
        assert page.status_code == 200
        ids = CASE.findall(page.text)
        cases = _api(portfolio, "/api/cases", workflow=a["workflow"], state=a["state"])
        assert sorted(ids) == sorted(str(c["id"]) for c in cases["items"]), a
        assert len(ids) == a["count"]
    # By hand: C2, D1 and E1 have a route proposed, waiting for an approver.
    assert {a["state"]: a["count"] for a in due["approvals_waiting"]}["route_proposed"] == 3
    # On tier 1 (A and C) only C2 waits, and the cases list narrows to it as well.
    tier1 = leader.get("/portfolio", params={"tier": "1"}).text
    page = leader.get(_href(tier1, "waiting-route-proposed"))
    assert "tier=1" in page.url.query.decode() and len(CASE.findall(page.text)) == 1
    # Its deadline counts narrow the same way: each link lists exactly tier 1's count.
    due1 = _api(portfolio, "/api/portfolio", tier=1)["due"]["deadlines"]
    assert sum(d["count"] for d in due1) < sum(d["count"] for d in due["deadlines"])
    for d in due1:
        page = leader.get(_href(tier1, f"due-{d['kind'].replace('_', '-')}"))
        assert "tier=1" in page.url.query.decode()
        assert len(DEADLINE.findall(page.text)) == d["count"], d


def test_the_lists_behind_due_counts_check_their_filters(leader: TestClient) -> None:  # noqa: F811
    bad = leader.get("/cases", params={"workflow": "payroll"})
    assert bad.status_code == 422 and "Workflow must be one of" in bad.text
    bad = leader.get("/cases", params={"workflow": "service_component", "state": "asleep"})
    assert bad.status_code == 422 and "State must be a state of the service_component" in bad.text
    bad = leader.get("/cases", params={"tier": "7"})
    assert bad.status_code == 422 and "Tier must be 1, 2 or 3" in bad.text
    bad = leader.get("/deadlines", params={"tier": "four"})
    assert bad.status_code == 422 and "Tier must be 1, 2 or 3" in bad.text
    bad = leader.get("/deadlines", params={"until": "2027-02-30"})
    assert bad.status_code == 422 and "Up to must be a real date" in bad.text
    assert "<title>Error: Deadlines" in bad.text
