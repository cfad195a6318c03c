"""The portfolio page's figures: amounts as people read them, and the SVG charts' geometry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from app.portfolio.report_schemas import PortfolioOut, RouteSpend, SupplierSpend, YearSpend
from app.portfolio.states import STATES, year_label

# The charts' coordinate space (the SVG scales to its container; no fixed pixel width).
# Small enough that text stays readable when the chart fills half the page.
WIDTH, HEIGHT = 480, 280
LEFT, BOTTOM, TOP = 64, 36, 12
BAR_ROW, BAR_LABEL, BAR_NAME = 30, 200, 24
ROUTE_TITLES = {
    "build_in_house": "Build in house",
    "insource_operation": "Insource operation",
    "reprocure": "Re-procure",
    "buy_commodity": "Buy commodity",
    "retain_extend": "Extend the contract",
    "decommission": "Decommission",
    "undecided": "No approved route yet",
}
STATE_TITLES = {"outsourced": "Outsourced", "in_transition": "In transition", "moved": "Moved"}


def pounds(amount: str | Decimal) -> str:
    """An amount as a table shows it: £1,234,567 (whole pounds)."""
    whole = Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"-£{-whole:,}" if whole < 0 else f"£{whole:,}"


def compact(amount: Decimal) -> str:
    """An amount as an axis shows it: £1.2m, £350k, £0."""
    if amount >= 1_000_000:
        return f"£{amount / 1_000_000:.1f}m".replace(".0m", "m")
    if amount >= 1_000:
        return f"£{amount / 1_000:.0f}k"
    return f"£{amount:.0f}"


def _nice_max(top: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten at or above the top value."""
    if top <= 0:
        return Decimal(1)
    step = Decimal(10) ** (len(str(int(top))) - 1)
    for m in (1, 2, 5, 10):
        if top <= m * step:
            return m * step
    return 10 * step


@dataclass(frozen=True)
class Rect:
    """One bar or bar segment, with what it shows in words."""

    x: float
    y: float
    width: float
    height: float
    state: str
    text: str


@dataclass(frozen=True)
class Tick:
    """An axis gridline and its label."""

    y: float
    label: str


@dataclass(frozen=True)
class YearBar:
    """A financial year's stacked bar and its label's position."""

    label: str
    x: float
    rects: list[Rect]


def links(buyer: str, tier: int | None) -> LinkMaker:
    """Links to the contracts list carrying the page's buyer and tier filters."""
    return LinkMaker({k: v for k, v in {"buyer": buyer, "tier": tier or ""}.items() if v})


@dataclass(frozen=True)
class LinkMaker:
    """Builds the contracts list links behind each figure."""

    base: dict[str, object]

    def __call__(self, **more: object) -> str:
        """The contracts list filtered to the figure's contracts."""
        return "/contracts?" + urlencode({**self.base, **more})


@dataclass(frozen=True)
class DueLinks:
    """Links behind the next 90 days' counts: the Deadlines page and the cases list."""

    until: date
    base: dict[str, object]
    """The page's buyer and tier: the Deadlines page and the cases list narrow by them too."""

    def deadlines(self, kind: str) -> str:
        """The Deadlines page narrowed to the kind, from today to the horizon."""
        # Open and from today on is pending: a deadline is missed only once its date passes.
        query = {"kind": kind, "status": "pending", "until": self.until.isoformat()}
        return "/deadlines?" + urlencode({**query, **self.base})

    def cases(self, workflow: str, state: str) -> str:
        """The cases list narrowed to the workflow and the state waiting for an approver."""
        return "/cases?" + urlencode({"workflow": workflow, "state": state, **self.base})


def year_bars(years: list[YearSpend]) -> tuple[list[YearBar], list[Tick]]:
    """A stacked bar per financial year (outsourced at the bottom) and the axis ticks."""
    totals = [sum((Decimal(getattr(y, s)) for s in STATES), Decimal(0)) for y in years]
    top = _nice_max(max(totals, default=Decimal(0)))
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(years), 1)
    bars = []
    for i, y in enumerate(years):
        x = LEFT + i * slot + slot * 0.2
        base = float(HEIGHT - BOTTOM)
        rects = []
        for s in STATES:
            h = float(Decimal(getattr(y, s)) / top) * plot_h
            base -= h
            text = f"{STATE_TITLES[s]} in {y.label}: {pounds(getattr(y, s))}"
            rects.append(
                Rect(round(x, 1), round(base, 1), round(slot * 0.6, 1), round(h, 1), s, text)
            )
        bars.append(YearBar(y.label, round(x + slot * 0.3, 1), rects))
    ticks = [
        Tick(round(HEIGHT - BOTTOM - plot_h * i / 4, 1), compact(top * i / 4)) for i in range(5)
    ]
    return bars, ticks


@dataclass(frozen=True)
class HBar:
    """One horizontal bar: its full name, the name cut to fit, the amount in words."""

    name: str
    short: str
    amount: str
    rect: Rect


def horizontal_bars(named: list[tuple[str, str]]) -> list[HBar]:
    """A horizontal bar per (name, amount), scaled to the largest; the name cut to fit."""
    top = max((Decimal(a) for _n, a in named), default=Decimal(0)) or Decimal(1)
    room = WIDTH - BAR_LABEL - 10
    out = []
    for i, (name, amount) in enumerate(named):
        w = float(max(Decimal(amount), Decimal(0)) / top) * room
        cut = BAR_NAME
        short = name if len(name) <= cut else name[: cut - 1] + "…"
        rect = Rect(BAR_LABEL, i * BAR_ROW + 6, round(w, 1), BAR_ROW - 12, "", "")
        out.append(HBar(name, short, pounds(amount), rect))
    return out


def supplier_bars(suppliers: list[SupplierSpend]) -> list[tuple[SupplierSpend, HBar]]:
    """A bar per supplier, with the figures its table row shows."""
    bars = horizontal_bars([(s.supplier, s.annual_spend) for s in suppliers])
    return list(zip(suppliers, bars, strict=True))


def route_bars(routes: list[RouteSpend]) -> list[tuple[RouteSpend, HBar]]:
    """A bar per route, largest first, with the figures its table row shows."""
    ordered = sorted(routes, key=lambda r: (-Decimal(r.annual_spend), r.route))
    bars = horizontal_bars([(route_title(r.route), r.annual_spend) for r in ordered])
    return list(zip(ordered, bars, strict=True))


def route_title(route: str) -> str:
    """A route as a digital leader reads it."""
    return ROUTE_TITLES.get(route, route.replace("_", " ").capitalize())


def bars_height(count: int) -> int:
    """A horizontal bar chart's height for its rows."""
    return max(count, 1) * BAR_ROW + 4


def year_choices(report: PortfolioOut) -> list[dict[str, object]]:
    """The financial years the filter offers: the report's window around the chosen year."""
    chosen = report.financial_year
    return [
        {"value": str(y), "text": year_label(y), "selected": y == chosen}
        for y in range(chosen - 3, chosen + 4)
    ]
