"""Working days: weekdays that are not bank holidays, on a named UK calendar.

Bank holidays come from the `holidays` package, which computes them offline
(including one-off holidays it knows about, such as coronations and state funerals).

A contract's own notice periods count on the calendar the contract names (England and
Wales unless it says Scotland or Northern Ireland). The Procurement Act 2023's clocks
count on `UK`: s.123 defines a "working day" as a day other than a Saturday, Sunday,
Christmas Day, Good Friday or a bank holiday "in any part of the United Kingdom"
(https://www.legislation.gov.uk/ukpga/2023/54/section/123).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Final, Literal

import holidays

_ONE_DAY = timedelta(days=1)

Calendar = Literal["england_wales", "scotland", "northern_ireland", "uk"]
ENGLAND_WALES: Final = "england_wales"
UK: Final = "uk"
CONTRACT_CALENDARS: tuple[Calendar, ...] = ("england_wales", "scotland", "northern_ireland")
"""The calendars a contract may name for its own notice periods."""
_SUBDIVISIONS: dict[str, tuple[str, ...]] = {
    "england_wales": ("ENG",),
    "scotland": ("SCT",),
    "northern_ireland": ("NIR",),
    # Wales has England's bank holidays, so these three cover every part of the UK.
    "uk": ("ENG", "SCT", "NIR"),
}


@lru_cache(maxsize=2048)
def _bank_holidays_in(year: int, calendar: str = ENGLAND_WALES) -> frozenset[date]:
    # One frozen set per year and calendar: the `holidays` object grows itself lazily on
    # lookup, which is not thread-safe, so we never share it; a frozenset is.
    try:
        subdivisions = _SUBDIVISIONS[calendar]
    except KeyError:
        raise ValueError(f"unknown working-day calendar {calendar!r}") from None
    found: set[date] = set()
    for subdiv in subdivisions:
        found |= {
            d for d in holidays.country_holidays("GB", subdiv=subdiv, years=year) if d.year == year
        }
    return frozenset(found)


def bank_holidays(
    first_year: int, last_year: int, calendar: str = ENGLAND_WALES
) -> frozenset[date]:
    """Bank holidays on `calendar` from first_year to last_year inclusive."""
    result: set[date] = set()
    for year in range(first_year, last_year + 1):
        result |= _bank_holidays_in(year, calendar)
    return frozenset(result)


def is_bank_holiday(day: date, calendar: str = ENGLAND_WALES) -> bool:
    """Whether the date is a bank holiday on `calendar` (observed days included)."""
    return day in _bank_holidays_in(day.year, calendar)


def is_working_day(day: date, calendar: str = ENGLAND_WALES) -> bool:
    """Whether the date is a Monday to Friday that is not a bank holiday on `calendar`."""
    return day.weekday() < 5 and not is_bank_holiday(day, calendar)


def _step_working_days(day: date, n: int, step: timedelta, calendar: str) -> date:
    # The starting date never counts, whether or not it is a working day: "5 working
    # days before Monday" is the previous Monday, and counting starts the day before.
    counted = 0
    current = day
    while counted < n:
        current += step
        if is_working_day(current, calendar):
            counted += 1
    return current


def subtract_working_days(day: date, n: int, calendar: str = ENGLAND_WALES) -> date:
    """The date n working days before day (a working day when n > 0; day itself when 0)."""
    if n < 0:
        return add_working_days(day, -n, calendar)
    return _step_working_days(day, n, -_ONE_DAY, calendar)


def add_working_days(day: date, n: int, calendar: str = ENGLAND_WALES) -> date:
    """The date n working days after day (a working day when n > 0; day itself when 0)."""
    if n < 0:
        return subtract_working_days(day, -n, calendar)
    return _step_working_days(day, n, _ONE_DAY, calendar)


def last_of_working_days_beginning_with(day: date, n: int, calendar: str = UK) -> date:
    """The last day of a period of n working days "beginning with" `day` (n >= 1).

    The day itself is the first of the n when it is a working day (Procurement Act 2023
    s.51(2): the standstill is "eight working days beginning with the day" the contract
    award notice is published); otherwise the count starts with the next working day.
    """
    if n < 1:
        raise ValueError("a period beginning with a day has at least one day")
    return add_working_days(day - _ONE_DAY, n, calendar)


def last_day_of_days_beginning_with(day: date, n: int) -> date:
    """The last day of a period of n calendar days "beginning with" `day`: day + n - 1.

    Procurement Act 2023 s.53(1) (contract details notice) and s.80(1) (contract
    termination notice): "before the end of the period of 30 days beginning with the
    day" counts that day as the first, so the notice is due by day + 29.
    """
    if n < 1:
        raise ValueError("a period beginning with a day has at least one day")
    return day + timedelta(days=n - 1)


def previous_working_day(day: date, calendar: str = ENGLAND_WALES) -> date:
    """The day itself if it is a working day, else the latest working day before it."""
    return day if is_working_day(day, calendar) else subtract_working_days(day, 1, calendar)
