"""Where a service line stands for the money: outsourced, in transition or moved; lead times."""

from __future__ import annotations

from datetime import date

# service_component.yaml's states, grouped as a digital leader reads them. A test checks
# every name here is a state of the shipped definition.
DECIDING = frozenset({"identified", "assessed", "route_proposed"})
"""No approved route yet: these lines are the ones a cliff edge waits on."""
MOVED = frozenset(
    {"live", "operation_live", "new_contract_live", "commodity_live", "decommissioned"}
)
"""The line has left the incumbent contract."""
STAYING = frozenset({"extension_requested", "extension_approved", "extended", "cancelled"})
"""Retained on (or never taken off) the incumbent contract: still outsourced."""
STATES = ("outsourced", "in_transition", "moved")

ROUTES = (
    "build_in_house",
    "insource_operation",
    "reprocure",
    "buy_commodity",
    "retain_extend",
    "decommission",
)
IN_HOUSE_ROUTES = frozenset({"build_in_house", "insource_operation"})
"""Routes whose line, once moved, is run by an in-house team (a built service or an
insourced operation)."""
ROUTE_UNDECIDED = "undecided"

# How long a line takes from an approved route to ready (days), for the cliff edges.
# Typical of UK central government: a GDS discovery-to-live build 18 months, a Procurement
# Act competition with mobilisation 12, a framework call-off and migration 6, an extension
# variation 3, a switch-off 6. A line with no route yet is taken at the slowest route.
LEAD_TIME_DAYS: dict[str, int] = {
    "build_in_house": 548,
    # TUPE transfer, knowledge transfer, parallel running and hypercare: about 9 months.
    "insource_operation": 274,
    "reprocure": 365,
    "buy_commodity": 183,
    "retain_extend": 92,
    "decommission": 183,
}
LEAD_TIME_DAYS[ROUTE_UNDECIDED] = max(LEAD_TIME_DAYS.values())

AMBER_MARGIN_DAYS = 180
"""A line ready less than this before the hard stop is amber: no room for a slip."""

BASELINE_SOURCES = ("spend_analysis", "invoice_data", "estimate")


def financial_year(day: date) -> int:
    """The UK financial year (1 April to 31 March) holding the day, by its first year."""
    return day.year if day.month >= 4 else day.year - 1


def year_start(year: int) -> date:
    """1 April of the financial year."""
    return date(year, 4, 1)


def year_label(year: int) -> str:
    """The usual label of a financial year: 2026 is "2026-27"."""
    return f"{year}-{(year + 1) % 100:02d}"
