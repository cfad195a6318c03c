"""The portfolio page over the hand-built portfolio of tests/portfolio (contracts A to E).

Its figures must be the API's, its filters the API's filters, and every figure's link must
list exactly the contracts behind it (worked out by hand from the fixture's docstring).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from fastapi.testclient import TestClient

from app.web.portfolio_view import pounds
from tests.portfolio.conftest import Desk, desk  # noqa: F401  (fixtures)
from tests.portfolio.test_portfolio_totals import portfolio  # noqa: F401  (fixture)
from tests.web.portfolio_helpers import REFERENCE, leader  # noqa: F401  (fixture)
from tests.web.portfolio_helpers import api_get as _api
from tests.web.portfolio_helpers import href as _href
from tests.web.portfolio_helpers import listed as _listed


def test_the_digital_leader_lands_on_the_portfolio(
    portfolio: Desk,  # noqa: F811
    web_user: Callable[..., str],
) -> None:
    web_user("dana", "senior_responsible_owner")
    web_user("pat", "programme_manager")
    client = portfolio.client
    for name, target in (("dana", "/portfolio"), ("pat", "/")):
        client.cookies.clear()
        form = client.get("/sign-in").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        res = client.post(
            "/sign-in",
            data={"username": name, "password": "correct horse battery", "csrf_token": token[1]},
            follow_redirects=False,
        )
        assert res.headers["location"] == target, name
    assert '<a class="govuk-service-navigation__link" href="/portfolio"' in client.get("/").text


def test_the_figures_are_the_apis(portfolio: Desk, leader: TestClient) -> None:  # noqa: F811
    api = _api(portfolio, "/api/portfolio")
    html = leader.get("/portfolio").text
    assert html.count("<h1") == 1 and "Financial year 2026-27" in html
    for anchor_id, figure in (
        ("figure-total", api["headline"]["annual_spend"]),
        ("figure-outsourced", api["headline"]["outsourced"]),
        ("figure-in-transition", api["headline"]["in_transition"]),
        ("figure-moved", api["headline"]["moved"]),
    ):
        assert re.search(rf'id="{anchor_id}" href="[^"]+">{re.escape(pounds(figure))}<', html)
    # By hand: outsourced 1,800,000; in transition 2,000,000; moved 650,000 + 320,000.
    assert pounds(api["headline"]["outsourced"]) == "£1,800,000"
    for year in api["over_time"]:
        for state in ("outsourced", "in_transition", "moved"):
            assert f">{pounds(year[state])}<span" in html
    for s in api["by_supplier"]:
        assert f'<th scope="row" class="govuk-table__header">{s["supplier"]}</th>' in html
        assert f">{pounds(s['annual_spend'])}<span" in html
    # The SVG is CSP-safe and labelled; every cliff edge is there, soonest first.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "style" not in svg
    edges = _api(portfolio, "/api/portfolio/cliff-edges")["items"]
    section = html[html.index('id="cliff-edges"') : html.index('id="suppliers"')]
    assert REFERENCE.findall(section) == [e["reference"] for e in edges]


def test_the_filters_are_the_apis(portfolio: Desk, leader: TestClient) -> None:  # noqa: F811
    for params in ({"tier": "1"}, {"buyer": "justice"}, {"year": "2025"}):
        api = _api(portfolio, "/api/portfolio", **params)
        html = leader.get("/portfolio", params=params).text
        total = re.escape(pounds(api["headline"]["annual_spend"]))
        assert re.search(rf'id="figure-total" href="[^"]+">{total}<', html), params
    bad = leader.get("/portfolio", params={"tier": "9"})
    assert bad.status_code == 422 and "<title>Error: Portfolio" in bad.text


def test_each_figure_lists_the_contracts_behind_it(leader: TestClient) -> None:  # noqa: F811
    html = leader.get("/portfolio").text
    # By hand, 2026-27: A's rest and B2, C1, C2, D1 are outsourced; B1 is in transition;
    # A1 and A2 have moved. E is in euros, so behind no pound figure.
    assert _listed(leader, _href(html, "figure-outsourced")) == {"A", "B", "C", "D"}
    assert _listed(leader, _href(html, "figure-in-transition")) == {"B"}
    assert _listed(leader, _href(html, "figure-moved")) == {"A"}
    assert _listed(leader, _href(html, "figure-contracts")) == {"A", "B", "C", "D"}
    # In 2025-26 A1 and A2 had not moved yet: they were in transition.
    earlier = leader.get("/portfolio", params={"year": "2025"}).text
    assert _listed(leader, _href(earlier, "figure-in-transition")) == {"A", "B"}
    assert _listed(leader, _href(earlier, "figure-moved")) == set()
    # Lead supplier Atos: A and D; the tier filter carries through to the list.
    atos = re.search(r'href="([^"]+)">[^<]+<span class="govuk-visually-hidden"> with Atos<', html)
    assert atos and _listed(leader, unescape(atos[1])) == {"A", "D"}
    tier1 = leader.get("/portfolio", params={"tier": "1"}).text
    assert _listed(leader, _href(tier1, "figure-outsourced")) == {"A", "C"}


def test_the_csv_download_is_the_apis(portfolio: Desk, leader: TestClient) -> None:  # noqa: F811
    html = leader.get("/portfolio", params={"tier": "1"}).text
    href = unescape(re.search(r'href="(/portfolio\.csv[^"]*)"', html)[1])  # type: ignore[index]
    page = leader.get(href)
    api = portfolio.client.get(
        "/api/portfolio", params={"tier": 1, "format": "csv"}, headers=portfolio.people["vic"]
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/csv")
    assert page.text == api.text


def test_lines_in_other_currencies_are_named_not_summed(leader: TestClient) -> None:  # noqa: F811
    html = leader.get("/portfolio").text
    assert "1 line recorded in EUR is left out of these figures." in html
    bad = leader.get("/contracts", params={"standing": "offshore", "year": "2026"})
    assert bad.status_code == 422 and "Standing must be outsourced" in bad.text
