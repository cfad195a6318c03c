"""The portfolio's horizontal bar geometry, shared by the supplier and route charts."""

from __future__ import annotations

from app.portfolio.report_schemas import RouteSpend
from app.web.portfolio_view import BAR_LABEL, BAR_ROW, WIDTH, horizontal_bars, route_bars


def test_bars_scale_to_the_largest_and_names_are_cut_to_fit() -> None:
    bars = horizontal_bars(
        [("Northgate Managed Services Limited", "200000.00"), ("Atos", "50000.00")]
    )
    room = WIDTH - BAR_LABEL - 10
    assert [b.rect.width for b in bars] == [room, room / 4]
    assert [b.rect.y for b in bars] == [6, BAR_ROW + 6]
    assert bars[0].short == "Northgate Managed Servi…" and bars[0].name.endswith("Limited")
    assert bars[1].amount == "£50,000"
    # Nothing to scale to draws empty bars, not a division by zero.
    assert [b.rect.width for b in horizontal_bars([("None yet", "0.00")])] == [0.0]


def test_routes_are_largest_first_under_the_names_a_leader_reads() -> None:
    routes = [
        RouteSpend(route=r, annual_spend=a, baseline=a, lines=1)
        for r, a in (("build_in_house", "10.00"), ("undecided", "30.00"), ("reprocure", "30.00"))
    ]
    assert [(r.route, b.name) for r, b in route_bars(routes)] == [
        ("reprocure", "Re-procure"),
        ("undecided", "No approved route yet"),
        ("build_in_house", "Build in house"),
    ]
