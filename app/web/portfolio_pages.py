"""The portfolio: where a digital leader lands; the same report as GET /api/portfolio."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.auth.roles import Role
from app.portfolio import report
from app.portfolio.queries import Filters
from app.portfolio.report_csv import to_csv
from app.web import contract_forms as forms
from app.web import portfolio_view as view
from app.web.deps import WebCtx, WebUser, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]
CLIFF_EDGES_SHOWN = 50
LANDS_ON_PORTFOLIO = frozenset({Role.senior_responsible_owner})
"""Who lands on the portfolio after signing in: the SRO is the digital leader's role here."""


def landing(roles: frozenset[str]) -> str:
    """Where a user lands after signing in: the portfolio for digital leaders, else My work."""
    return "/portfolio" if not roles.isdisjoint(LANDS_ON_PORTFOLIO) else "/"


def _parse(tier: str, year: str, errors: dict[str, str]) -> tuple[int | None, int | None]:
    """The form posts text: the tier and financial year as the report's ints, or errors."""
    t = forms.tier_filter(tier, errors)
    y = int(year) if year.isdigit() and 1990 <= int(year) <= 2200 else None
    if year and y is None:
        errors["year"] = "Financial year must be a year like 2026"
    return t, y


@router.get("/portfolio")
def portfolio_page(
    request: Request,
    user: WebUser,
    ctx: WebCtx,
    buyer: Text = "",
    tier: Text = "",
    year: Text = "",
) -> HTMLResponse:
    """Headline figures, spend by standing over the years, the cliff edges and the suppliers."""
    errors: dict[str, str] = {}
    t, y = _parse(tier, year, errors)
    f = Filters(currency="GBP", buyer=buyer.strip() or None, tier=t)
    today = ctx.clock.today()
    built = report.build(ctx.session, f, y, today)
    edges = report.cliff_edges(ctx.session, f, today, None, 0, CLIFF_EDGES_SHOWN + 1, ctx.settings)
    bars, ticks = view.year_bars(built.over_time)
    suppliers = view.supplier_bars(built.by_supplier)
    link = view.links(f.buyer or "", t)
    query = {k: v for k, v in {"buyer": buyer, "tier": tier, "year": year}.items() if v}
    return render(
        request,
        "portfolio.html",
        user,
        status_code=422 if errors else 200,
        errors=forms.summary(errors),
        field_errors=errors,
        title="Portfolio",
        p=built,
        edges=edges[:CLIFF_EDGES_SHOWN],
        more_edges=len(edges) > CLIFF_EDGES_SHOWN,
        bars=bars,
        ticks=ticks,
        suppliers=suppliers,
        routes=view.route_bars(built.by_route),
        due_link=view.DueLinks(built.due.until, link.base),
        chart=view,
        filters={"buyer": buyer, "tier": tier, "year": year},
        years=view.year_choices(built),
        link=link,
        csv_href="/portfolio.csv" + (f"?{urlencode(query)}" if query else ""),
    )


@router.get("/portfolio.csv")
def portfolio_csv(
    _user: WebUser, ctx: WebCtx, buyer: Text = "", tier: Text = "", year: Text = ""
) -> Response:
    """The same CSV as GET /api/portfolio?format=csv, for a browser signed in by its session."""
    t, y = _parse(tier, year, {})
    f = Filters(currency="GBP", buyer=buyer.strip() or None, tier=t)
    built = report.build(ctx.session, f, y, ctx.clock.today())
    name = f"portfolio-{built.financial_year_label}.csv"
    return Response(
        to_csv(built),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
