"""The law's own clocks: each test names the provision or guidance it checks."""

from __future__ import annotations

from datetime import date

import pytest

from app.deadlines.compute import assessment_booking_date, compute_contract_deadlines, notice_date
from app.deadlines.terms import ContractTerms, ExtensionOption
from app.workdays import (
    is_working_day,
    last_day_of_days_beginning_with,
    last_of_working_days_beginning_with,
)

TODAY = date(2026, 12, 3)


def _by_kind(terms: ContractTerms) -> dict[str, date]:
    return {s.kind: s.date for s in compute_contract_deadlines(terms, today=TODAY)}


def test_pa2023_s53_contract_details_notice_30_days_beginning_with_signature() -> None:
    # Procurement Act 2023 s.53(1): "before the end of the period of 30 days beginning with
    # the day" the contract is entered into: signed 1 June, due by 30 June (day + 29).
    found = _by_kind(ContractTerms(date_signed=date(2026, 6, 1)))
    assert found["contract_details_notice"] == date(2026, 6, 30)


def test_pa2023_s80_termination_notice_30_days_beginning_with_the_end() -> None:
    # Procurement Act 2023 s.80(1): the contract termination notice (form UK11, not UK12,
    # which is the procurement termination notice of s.55) within 30 days beginning with
    # the day the contract ends.
    terms = ContractTerms(end_date=date(2026, 9, 30), actual_end_date=date(2026, 9, 30))
    specs = {s.kind: s for s in compute_contract_deadlines(terms, today=TODAY)}
    assert specs["termination_notice"].date == date(2026, 10, 29)
    assert "UK11" in specs["termination_notice"].detail
    assert "UK12" not in specs["termination_notice"].detail


def test_days_beginning_with_counts_the_day_itself() -> None:
    assert last_day_of_days_beginning_with(date(2026, 1, 31), 30) == date(2026, 3, 1)
    assert last_day_of_days_beginning_with(date(2026, 1, 31), 1) == date(2026, 1, 31)
    with pytest.raises(ValueError):
        last_day_of_days_beginning_with(date(2026, 1, 31), 0)


def test_pa2023_s51_standstill_begins_with_the_day_of_publication() -> None:
    # Procurement Act 2023 s.51(2): eight working days beginning with the day the contract
    # award notice is published. Published Tuesday 2 June 2026: 2, 3, 4, 5, 8, 9, 10, 11.
    assert last_of_working_days_beginning_with(date(2026, 6, 2), 8) == date(2026, 6, 11)
    # Published on a Saturday: the first working day of the eight is the Monday.
    assert last_of_working_days_beginning_with(date(2026, 9, 5), 8) == date(2026, 9, 16)


def test_pa2023_s123_working_days_exclude_bank_holidays_in_any_part_of_the_uk() -> None:
    # Procurement Act 2023 s.123: a bank holiday "in any part of the United Kingdom".
    st_andrews = date(2026, 11, 30)  # a Monday; a bank holiday in Scotland only
    twelfth = date(2026, 7, 13)  # Battle of the Boyne (observed): Northern Ireland only
    assert is_working_day(st_andrews)  # England and Wales
    assert not is_working_day(st_andrews, "uk")
    assert not is_working_day(twelfth, "uk") and not is_working_day(twelfth, "northern_ireland")
    # Published Friday 27 November 2026: 27, 1, 2, 3, 4, 7, 8, 9 December (30th skipped).
    assert last_of_working_days_beginning_with(date(2026, 11, 27), 8) == date(2026, 12, 9)


def test_contract_notice_periods_count_on_the_calendar_the_contract_names() -> None:
    # A Scottish contract's 5 working days' notice before Friday 4 December 2026 skip
    # St Andrew's Day (Monday 30 November); the same terms in England and Wales do not.
    common = {"end_date": date(2026, 12, 4), "notice_period_days": 5}
    england = ContractTerms(notice_in_working_days=True, **common)  # type: ignore[arg-type]
    scotland = ContractTerms(
        notice_in_working_days=True,
        calendar="scotland",
        **common,  # type: ignore[arg-type]
    )
    assert notice_date(england) == date(2026, 11, 27)
    assert notice_date(scotland) == date(2026, 11, 26)


def test_service_manual_assessment_booking_is_four_weeks_by_default() -> None:
    # GOV.UK Service Manual, "Book a service assessment": at least 4 weeks before.
    assert assessment_booking_date(date(2027, 3, 31)) == date(2027, 3, 3)


def test_the_renewal_mechanism_words_the_notice_and_option_deadlines() -> None:
    # Issue 14 ("the cliff edge, not the roll-on"): a UK public contract does not lawfully
    # roll on; a missed buyer's option lapses and the contract expires.
    base = {"end_date": date(2027, 3, 31), "notice_period_days": 90}

    def details(renewal: str) -> dict[str, str]:
        terms = ContractTerms(
            renewal=renewal,
            extension_options=[ExtensionOption(months=12, notice_days=90)],
            **base,  # type: ignore[arg-type]
        )
        return {s.kind: s.detail for s in compute_contract_deadlines(terms, today=TODAY)}

    assert "renews automatically" in details("automatic")["notice"]
    option = details("buyer_option")
    assert "does not roll on" in option["notice"]
    assert "option lapses and the contract expires on 2027-03-31" in option["extension_option"]
    assert "lapses" not in details("fixed_term")["extension_option"]
