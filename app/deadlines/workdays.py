"""Working days in England and Wales: weekdays that are not bank holidays.

Bank holidays come from the `holidays` package, which computes them offline
(including one-off holidays it knows about, such as coronations and state funerals).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=512)
def _bank_holidays_in(year: int) -> frozenset[date]:
    # One frozen set per year: the `holidays` object grows itself lazily on lookup,
    # which is not thread-safe, so we never share it; a frozenset is.
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(d for d in calendar if d.year == year)


def bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """England and Wales bank holidays from first_year to last_year inclusive."""
    result: set[date] = set()
    for year in range(first_year, last_year + 1):
        result |= _bank_holidays_in(year)
    return frozenset(result)


def is_bank_holiday(day: date) -> bool:
    """Whether the date is an England and Wales bank holiday (observed days included)."""
    return day in _bank_holidays_in(day.year)


def is_working_day(day: date) -> bool:
    """Whether the date is a Monday to Friday that is not an E&W bank holiday."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def _step_working_days(day: date, n: int, step: timedelta) -> date:
    # The starting date never counts, whether or not it is a working day: "5 working
    # days before Monday" is the previous Monday, and counting starts the day before.
    counted = 0
    current = day
    while counted < n:
        current += step
        if is_working_day(current):
            counted += 1
    return current


def subtract_working_days(day: date, n: int) -> date:
    """The date n working days before day (a working day when n > 0; day itself when 0)."""
    if n < 0:
        return add_working_days(day, -n)
    return _step_working_days(day, n, -_ONE_DAY)


def add_working_days(day: date, n: int) -> date:
    """The date n working days after day (a working day when n > 0; day itself when 0)."""
    if n < 0:
        return subtract_working_days(day, -n)
    return _step_working_days(day, n, _ONE_DAY)


def previous_working_day(day: date) -> date:
    """The day itself if it is a working day, else the latest working day before it."""
    return day if is_working_day(day) else subtract_working_days(day, 1)
