"""England and Wales working days."""

from datetime import date

import pytest

from app.workdays import (
    add_working_days,
    bank_holidays,
    is_bank_holiday,
    is_working_day,
    previous_working_day,
    subtract_working_days,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 25), False),  # Christmas Day, Friday
        (date(2026, 12, 28), False),  # Boxing Day (Saturday) observed on Monday
        (date(2026, 12, 29), True),
        (date(2027, 3, 26), False),  # Good Friday 2027
        (date(2027, 3, 29), False),  # Easter Monday 2027
        (date(2027, 3, 25), True),  # Maundy Thursday is a working day
        (date(2027, 3, 27), False),  # Saturday
        (date(2026, 8, 31), False),  # late summer bank holiday (England, not Scotland)
        (date(2026, 8, 3), True),  # Scotland's summer holiday is not an E&W one
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert is_working_day(day) is expected


def test_bank_holidays_for_a_range_include_both_years() -> None:
    found = bank_holidays(2026, 2027)
    assert date(2026, 4, 3) in found and date(2027, 12, 28) in found
    assert is_bank_holiday(date(2027, 12, 27))  # Christmas 2027 (Saturday) observed Monday


def test_subtract_over_christmas_and_boxing_day_2026() -> None:
    # Working days before Wed 30 Dec 2026: Tue 29, then Thu 24 (25, 26-27, 28 are off).
    assert subtract_working_days(date(2026, 12, 30), 1) == date(2026, 12, 29)
    assert subtract_working_days(date(2026, 12, 30), 2) == date(2026, 12, 24)


def test_subtract_over_easter_2027() -> None:
    # Tue 30 Mar 2027, 2 working days back skips Easter Monday, the weekend, Good Friday.
    assert subtract_working_days(date(2027, 3, 30), 2) == date(2027, 3, 24)


def test_add_over_good_friday_and_easter_monday() -> None:
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_add_from_friday_skips_the_weekend() -> None:
    assert add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 8)
    assert subtract_working_days(date(2026, 6, 8), 1) == date(2026, 6, 5)


def test_zero_and_negative_counts() -> None:
    saturday = date(2026, 6, 6)
    assert subtract_working_days(saturday, 0) == saturday
    assert subtract_working_days(date(2026, 6, 5), -1) == date(2026, 6, 8)
    assert add_working_days(date(2026, 6, 8), -1) == date(2026, 6, 5)


def test_twenty_working_days_is_four_weeks_without_holidays() -> None:
    assert subtract_working_days(date(2026, 7, 31), 20) == date(2026, 7, 3)


def test_previous_working_day() -> None:
    assert previous_working_day(date(2026, 12, 28)) == date(2026, 12, 24)
    assert previous_working_day(date(2026, 12, 29)) == date(2026, 12, 29)
