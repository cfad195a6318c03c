"""Guards on dates: limits, windows and working days."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from app.engine.context import (
    GuardContext,
    as_date,
    is_blank,
    label,
    resolve,
    shown,
    the,
)
from app.engine.guard_registry import WHEN, applies, guard
from app.engine.params import Param
from app.workdays import UK, last_of_working_days_beginning_with


def _field_date(ctx: GuardContext, path: str) -> tuple[date | None, str | None]:
    """The date at `path`, or a sentence saying it is missing or not a date."""
    value = resolve(ctx, path)
    if is_blank(value):
        return None, f"Please provide {the(path)}."
    found = as_date(value)
    if found is None:
        return None, f"The {label(path)} must be a date (YYYY-MM-DD); got {shown(value)}."
    return found, None


def _reference_date(ctx: GuardContext, path: str) -> tuple[date | None, str | None]:
    """A limit date: a literal ISO date, or else a path; (None, None) when not recorded."""
    literal = as_date(path)
    if literal is not None:  # before resolving: a request may carry a key named like a date
        return literal, None
    value = resolve(ctx, path)
    if is_blank(value):
        return None, None
    found = as_date(value)
    if found is None:
        return None, f"Cannot check against {the(path)}: {shown(value)} is not a date."
    return found, None


def _compare_dates(ctx: GuardContext, params: Mapping[str, Any], after: bool) -> str | None:
    field, limit = params["field"], params["limit"]
    value, problem = _field_date(ctx, field)
    if value is None:
        return problem
    bound, problem = _reference_date(ctx, limit)
    if bound is None:
        # An unrecorded limit (a contract with no max_end_date) must not wave the date
        # through: it fails unless the definition says a missing limit is fine.
        if problem is None and not params.get("allow_missing_limit", False):
            problem = f"Cannot check the {label(field)}: {the(limit)} is not recorded."
        return problem
    if (value > bound) if after else (value < bound):
        bound_text = str(bound) if as_date(limit) else f"{the(limit)} ({bound})"
        side = "after" if after else "before"
        return f"The {label(field)} ({value}) must not be {side} {bound_text}."
    return None


_LIMIT = (
    Param("field", names="field", asks="date"),
    Param("limit", names="limit"),
    Param("allow_missing_limit", "bool", required=False),
)


@guard("date_not_after", *_LIMIT)
def date_not_after(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The date at `field` is on or before the date at `limit` (missing limit fails)."""
    return _compare_dates(ctx, params, after=True)


@guard("date_not_before", *_LIMIT)
def date_not_before(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The date at `field` is on or after the date at `limit` (missing limit fails)."""
    return _compare_dates(ctx, params, after=False)


@guard(
    "optional_dates",
    Param("fields", "list[str]", names="field", asks="date", optional_input=True),
)
def optional_dates(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Each of `fields` may be left out, but when sent it is a date (e.g. a planned phase end)."""
    bad = [
        f
        for f in params["fields"]
        if not is_blank(resolve(ctx, f)) and as_date(resolve(ctx, f)) is None
    ]
    if not bad:
        return None
    return f"Please give {' and '.join(the(f) for f in bad)} as a date (YYYY-MM-DD)."


@guard(
    "date_within_days",
    Param("field", names="field", asks="date"),
    Param("of", names="limit"),
    Param("days", "int"),
    *WHEN,
)
def date_within_days(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The date at `field` is between the date at `of` and `days` days after it."""
    if not applies(ctx, params):
        return None
    field, of, days = params["field"], params["of"], int(params["days"])
    value, problem = _field_date(ctx, field)
    if value is None:
        return problem
    start, problem = _reference_date(ctx, of)
    if problem:
        return problem
    if start is None:
        # Unlike a limit, a window with no start is undefined: fail rather than pass.
        return f"Cannot check the {label(field)}: {the(of)} is not recorded."
    if value < start:
        return f"The {label(field)} ({value}) must not be before {the(of)} ({start})."
    if value > start + timedelta(days=days):
        return (
            f"The {label(field)} ({value}) must be within {days} days of {the(of)} "
            f"({start}), that is by {start + timedelta(days=days)}."
        )
    return None


@guard(
    "after_working_days",
    Param("field", names="field", asks="date"),
    Param("of", names="limit"),
    Param("days", "int"),
    *WHEN,
)
def after_working_days(ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """The date at `field` is after the `days` UK working days beginning with `of`."""
    if not applies(ctx, params):
        return None
    field, of, days = params["field"], params["of"], int(params["days"])
    value, problem = _field_date(ctx, field)
    start, problem = (None, problem) if value is None else _reference_date(ctx, of)
    if value is None or start is None:
        return problem or f"Cannot check the {label(field)}: {the(of)} is not recorded."
    # Procurement Act 2023 s.51(2): the standstill is "eight working days beginning with the
    # day" the contract award notice is published, so that day is the first of them; s.123:
    # a working day is not a bank holiday "in any part of the United Kingdom".
    # https://www.legislation.gov.uk/ukpga/2023/54/section/51 and /section/123
    last = last_of_working_days_beginning_with(start, days, UK) if days > 0 else start
    if value > last:
        return None
    return (
        f"The {label(field)} ({value}) must be after the {days} working days beginning with"
        f" {the(of)} ({start}), that is from {last + timedelta(days=1)}."
    )


# --- evidence ---------------------------------------------------------------------------
