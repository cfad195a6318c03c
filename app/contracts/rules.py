"""Cross-field rules on contract terms; every broken rule is reported at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.auth.roles import Role
from app.deadlines.compute import add_months

# Who may register a contract and change its terms (admins always may).
EDITORS = frozenset({Role.programme_manager, Role.contract_manager, Role.commercial_lead})


def problems_in(terms: dict[str, Any]) -> list[dict[str, str]]:
    """Every inconsistency between the terms, as {field, message} entries."""
    start, end, max_end = terms.get("start_date"), terms.get("end_date"), terms.get("max_end_date")
    out: list[dict[str, str]] = []
    if start and end and end < start:
        out.append(_p("end_date", f"end date {end} is before start date {start}"))
    if end and max_end and max_end < end:
        out.append(_p("max_end_date", f"latest possible end {max_end} is before end date {end}"))
    notice = terms.get("notice_period_days")
    if notice is not None and start and end and notice > (end - start).days:
        out.append(
            _p(
                "notice_period_days",
                f"notice period of {notice} days is longer than the contract"
                f" ({(end - start).days} days)",
            )
        )
    assistance = terms.get("termination_assistance_notice_days")
    if assistance is not None and start and end and assistance > (end - start).days:
        out.append(
            _p(
                "termination_assistance_notice_days",
                f"termination assistance notice of {assistance} days is longer than the"
                f" contract ({(end - start).days} days)",
            )
        )
    out.extend(_break_problems(terms.get("break_clauses") or [], start, end))
    options = terms.get("extension_options") or []
    if end and max_end and options:
        extended = add_months(end, sum(int(o["months"]) for o in options))
        if extended > max_end:
            out.append(
                _p(
                    "extension_options",
                    f"exercising every extension runs to {extended}, past the latest possible"
                    f" end {max_end}",
                )
            )
    return out


def _break_problems(
    breaks: list[dict[str, Any]], start: date | None, end: date | None
) -> list[dict[str, str]]:
    out = []
    for i, clause in enumerate(breaks):
        when = clause["date"]
        if (start and when < start) or (end and when > end):
            out.append(_p(f"break_clauses[{i}].date", f"break date {when} is outside the term"))
    return out


def _p(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}
