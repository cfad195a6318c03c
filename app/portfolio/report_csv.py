"""The portfolio as CSV for the finance team's spreadsheets: one figure a row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from app.portfolio.report_schemas import PortfolioOut

HEADER = ("section", "item", "measure", "value", "currency", "financial_year")


def _rows(p: PortfolioOut) -> Iterator[tuple[str, str, str, Any]]:
    for measure, value in p.headline.model_dump().items():
        yield "headline", "", measure, value
    for s in p.by_state:
        yield "by_state", s.state, "annual_spend", s.annual_spend
        yield "by_state", s.state, "lines", s.lines
    for r in p.by_route:
        for measure in ("annual_spend", "baseline", "lines"):
            yield "by_route", r.route, measure, getattr(r, measure)
    for sup in p.by_supplier:
        for measure in ("annual_spend", "contracts", "share", "split_by_award_value"):
            yield "by_supplier", sup.supplier, measure, getattr(sup, measure)
    for y in p.over_time:
        for measure in ("outsourced", "in_transition", "moved"):
            yield "over_time", y.label, measure, getattr(y, measure)
    for m in p.moved_to_in_house:
        for measure in ("baseline_moved", "in_house_run_cost", "lines"):
            yield "moved_to_in_house", m.label, measure, getattr(m, measure)
    for measure, value in p.savings.model_dump().items():
        yield "savings", "", measure, value
    for measure, value in p.extensions.model_dump().items():
        yield "extensions", "", measure, value
    for d in p.due.deadlines:
        yield "due", d.kind, "count", d.count
    for a in p.due.approvals_waiting:
        yield "approvals_waiting", f"{a.workflow}:{a.state}", "count", a.count


def _safe(value: Any) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: supplier names are text.
    text = str(value)
    if text[:1] in ("=", "+", "@") or (text[:1] == "-" and not text[1:2].isdigit()):
        return "'" + text
    return text


def to_csv(p: PortfolioOut) -> str:
    """Every figure of the portfolio, one a row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for section, item, measure, value in _rows(p):
        writer.writerow(
            (section, _safe(item), measure, _safe(value), p.currency, p.financial_year_label)
        )
    return out.getvalue()
