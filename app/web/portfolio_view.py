"""The portfolio page's figures: amounts as people read them, and the SVG charts' geometry."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from app.portfolio.report_schemas import PortfolioOut, SupplierSpend, YearSpend
from app.portfolio.states import STATES, year_label

# The charts' coordinate space (the SVG scales to its container; no fixed pixel width).
# Small enough that text stays readable when the chart fills half the page.
WIDTH, HEIGHT = 480, 280
LEFT, BOTTOM, TOP = 64, 36, 12
SUPPLIER_ROW, SUPPLIER_LABEL, SUPPLIER_NAME = 30, 200, 24
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


def supplier_bars(suppliers: list[SupplierSpend]) -> list[tuple[SupplierSpend, str, Rect]]:
    """A horizontal bar per supplier, scaled to the largest; the name cut to fit."""
    top = max((Decimal(s.annual_spend) for s in suppliers), default=Decimal(0)) or Decimal(1)
    room = WIDTH - SUPPLIER_LABEL - 10
    out = []
    for i, s in enumerate(suppliers):
        w = float(Decimal(s.annual_spend) / top) * room
        cut = SUPPLIER_NAME
        name = s.supplier if len(s.supplier) <= cut else s.supplier[: cut - 1] + "…"
        rect = Rect(SUPPLIER_LABEL, i * SUPPLIER_ROW + 6, round(w, 1), SUPPLIER_ROW - 12, "", "")
        out.append((s, name, rect))
    return out


def supplier_height(count: int) -> int:
    """The supplier chart's height for its rows."""
    return max(count, 1) * SUPPLIER_ROW + 4


def year_choices(report: PortfolioOut) -> list[dict[str, object]]:
    """The financial years the filter offers: the report's window around the chosen year."""
    chosen = report.financial_year
    return [
        {"value": str(y), "text": year_label(y), "selected": y == chosen}
        for y in range(chosen - 3, chosen + 4)
    ]
