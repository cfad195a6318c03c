"""Pure deadline computation from contract terms."""

from datetime import date

import pytest

from app.deadlines.compute import (
    add_months,
    assessment_booking_date,
    assessment_booking_deadline,
    compute_contract_deadlines,
    extended_end_date,
    notice_date,
    route_decision_date,
    route_decision_deadline,
)
from app.deadlines.terms import BreakClause, ContractTerms, DeadlineSpec, ExtensionOption, LeadTimes

TODAY = date(2026, 1, 15)

FULL = ContractTerms(
    start_date=date(2024, 4, 1),
    end_date=date(2027, 3, 31),
    max_end_date=date(2029, 3, 31),
    notice_period_days=90,
    break_clauses=[BreakClause(date(2026, 3, 31), 60)],
    extension_options=[ExtensionOption(12, 90), ExtensionOption(12, 90)],
    date_signed=date(2024, 3, 1),
)


def by_key(specs: list[DeadlineSpec]) -> dict[str, DeadlineSpec]:
    keys = [s.key for s in specs]
    assert len(keys) == len(set(keys)), "keys must be unique within a contract"
    return {s.key: s for s in specs}


def test_every_kind_for_a_full_contract() -> None:
    specs = compute_contract_deadlines(FULL, lead_times=LeadTimes(), today=TODAY)
    found = {key: s.date for key, s in by_key(specs).items()}
    assert found == {
        "notice": date(2026, 12, 31),
        "extension_option:0": date(2026, 12, 31),
        "extension_option:1": date(2028, 1, 1),  # 2028-03-31 minus 90 days
        "break_clause:2026-03-31": date(2026, 1, 30),
        "route_decision": date(2025, 10, 2),  # notice date - (365 + 90)
        "exit_plan_review:2026-04-01": date(2026, 4, 1),
        # PA 2023 s.53(1): 30 days beginning with signature (1 March) end on 30 March.
        "contract_details_notice": date(2024, 3, 30),
        "hard_stop": date(2029, 3, 31),
    }
    assert [s.date for s in specs] == sorted(s.date for s in specs)
    assert {s.kind for s in specs} >= {"notice", "route_decision", "hard_stop"}


def test_details_are_sentences_with_the_consequence() -> None:
    specs = by_key(compute_contract_deadlines(FULL, lead_times=LeadTimes(), today=TODAY))
    assert "may run on to 2028-03-31" in specs["notice"].detail
    assert "build_in_house" in specs["route_decision"].detail
    assert "slowest route" in specs["route_decision"].detail
    # 31 Mar 2024 is a Sunday and 29 Mar was Good Friday: act by Thursday 28 March.
    assert "act by 2024-03-28" in specs["contract_details_notice"].detail
    assert "not a working day" not in specs["notice"].detail


def test_notice_in_working_days_over_christmas() -> None:
    terms = ContractTerms(end_date=date(2027, 1, 8), notice_period_days=10)
    assert notice_date(terms) == date(2026, 12, 29)
    working = ContractTerms(
        end_date=date(2027, 1, 8), notice_period_days=10, notice_in_working_days=True
    )
    # Skips 1 Jan, 28 Dec (Boxing Day observed), the weekend and Christmas Day.
    assert notice_date(working) == date(2026, 12, 22)
    spec = by_key(compute_contract_deadlines(working, today=TODAY))["notice"]
    assert spec.date == date(2026, 12, 22)
    assert "10 working days" in spec.detail


def test_notice_without_extension_or_maximum_rolls_on() -> None:
    terms = ContractTerms(end_date=date(2027, 3, 31), notice_period_days=30)
    spec = by_key(compute_contract_deadlines(terms, today=TODAY))["notice"]
    assert "roll on beyond 2027-03-31" in spec.detail


def test_extension_options_chain_from_the_previous_option() -> None:
    terms = ContractTerms(
        end_date=date(2027, 1, 30),
        extension_options=[ExtensionOption(1, 10), ExtensionOption(1, 10), ExtensionOption(6, 30)],
    )
    specs = by_key(compute_contract_deadlines(terms, today=TODAY))
    assert specs["extension_option:0"].date == date(2027, 1, 20)
    # Option 1 starts when option 0 ends: 28 Feb 2027 (no 30 Feb).
    assert specs["extension_option:1"].date == date(2027, 2, 18)
    # Option 2 follows 30 Mar (summed from the original end, so no drift to 28 Mar).
    assert specs["extension_option:2"].date == date(2027, 2, 28)
    assert "to 2027-09-30" in specs["extension_option:2"].detail
    # No max_end_date: the hard stop is the end with every option taken.
    assert specs["hard_stop"].date == date(2027, 9, 30)


def test_break_clauses_sharing_a_date_keep_the_longest_notice() -> None:
    terms = ContractTerms(
        break_clauses=[BreakClause(date(2027, 6, 30), 30), BreakClause(date(2027, 6, 30), 90)]
    )
    specs = compute_contract_deadlines(terms, today=TODAY)
    assert [(s.key, s.date) for s in specs] == [("break_clause:2027-06-30", date(2027, 4, 1))]


def test_missing_inputs_omit_deadlines() -> None:
    assert compute_contract_deadlines(ContractTerms(), today=TODAY) == []
    only_end = compute_contract_deadlines(ContractTerms(end_date=date(2027, 3, 31)), today=TODAY)
    # No notice period: the route decision counts back from the end date itself.
    assert {(s.kind, s.date) for s in only_end} == {
        ("hard_stop", date(2027, 3, 31)),
        ("route_decision", date(2025, 12, 31)),
    }
    only_options = ContractTerms(extension_options=[ExtensionOption(12, 90)])
    assert compute_contract_deadlines(only_options, today=TODAY) == []


def test_exit_plan_review_is_the_next_anniversary() -> None:
    def review(terms: ContractTerms, today: date) -> list[date]:
        specs = compute_contract_deadlines(terms, today=today)
        return [s.date for s in specs if s.kind == "exit_plan_review"]

    terms = ContractTerms(start_date=date(2024, 4, 1), end_date=date(2028, 4, 1))
    assert review(terms, date(2026, 4, 1)) == [date(2026, 4, 1)]  # on the day counts
    assert review(terms, date(2026, 4, 2)) == [date(2027, 4, 1)]
    assert review(terms, date(2023, 1, 1)) == [date(2025, 4, 1)]  # not yet started
    assert review(terms, date(2027, 4, 2)) == []  # the next one is the end date itself
    open_ended = ContractTerms(start_date=date(2024, 2, 29))
    assert review(open_ended, date(2026, 3, 1)) == [date(2027, 2, 28)]


def test_actual_end_drops_later_deadlines_and_adds_termination_notice() -> None:
    terms = ContractTerms(
        start_date=date(2024, 4, 1),
        end_date=date(2027, 3, 31),
        notice_period_days=90,
        actual_end_date=date(2026, 6, 30),
        date_signed=date(2024, 3, 1),
    )
    specs = by_key(compute_contract_deadlines(terms, today=TODAY))
    # PA 2023 s.80(1): 30 days beginning with the end (30 June) end on 29 July; form UK11.
    assert specs["termination_notice"].date == date(2026, 7, 29)
    assert "UK11" in specs["termination_notice"].detail
    assert "notice" not in specs and "hard_stop" not in specs
    assert specs["exit_plan_review:2026-04-01"].date == date(2026, 4, 1)
    assert specs["contract_details_notice"].date == date(2024, 3, 30)


def test_route_decision_for_a_chosen_route() -> None:
    terms = ContractTerms(
        end_date=date(2027, 1, 8), notice_period_days=10, notice_in_working_days=True
    )
    lead = LeadTimes()
    # 22 Dec 2026 (working-day notice) minus 120 + 90 days.
    assert route_decision_date(terms, "reprocure_call_off", lead) == date(2026, 5, 26)
    custom = LeadTimes(procurement_days={"buy_commodity": 30}, transition_days=10)
    assert route_decision_date(terms, "buy_commodity", custom) == date(2026, 11, 12)
    spec = route_decision_deadline(terms, "reprocure_call_off", lead)
    assert spec is not None and spec.key == "route_decision:reprocure_call_off"
    assert route_decision_date(ContractTerms(), "reprocure", lead) is None
    with pytest.raises(ValueError, match="no lead time"):
        route_decision_date(terms, "outsource_again", lead)


def test_contract_level_route_decision_uses_the_longest_lead_time() -> None:
    lead = LeadTimes(procurement_days={"reprocure": 100, "decommission": 200}, transition_days=0)
    terms = ContractTerms(end_date=date(2027, 3, 31))
    spec = by_key(compute_contract_deadlines(terms, lead_times=lead, today=TODAY))
    assert spec["route_decision"].date == date(2026, 9, 12)
    assert "decommission" in spec["route_decision"].detail


def test_assessment_booking_is_four_weeks_before() -> None:
    # GOV.UK Service Manual, "Book a service assessment": at least 4 weeks ahead.
    assert assessment_booking_date(date(2027, 6, 30)) == date(2027, 6, 2)
    assert assessment_booking_date(date(2027, 6, 30), weeks=5) == date(2027, 5, 26)
    spec = assessment_booking_deadline("beta", date(2027, 6, 30))
    assert (spec.kind, spec.key, spec.date) == (
        "assessment_booking",
        "assessment_booking:beta",
        date(2027, 6, 2),
    )


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("end", "months", "expected"),
    [
        (date(2027, 4, 30), 1, date(2027, 5, 31)),  # month-end stays month-end
        (date(2027, 2, 28), 12, date(2028, 2, 29)),
        (date(2027, 1, 30), 1, date(2027, 2, 28)),
        (date(2027, 3, 15), 24, date(2029, 3, 15)),
    ],
)
def test_extended_end_date(end: date, months: int, expected: date) -> None:
    assert extended_end_date(end, months) == expected


@pytest.mark.parametrize(
    "bad",
    [
        {"notice_period_days": -1},
        {"break_clauses": [BreakClause(date(2027, 1, 1), -5)]},
        {"extension_options": [ExtensionOption(0, 30)]},
    ],
)
def test_nonsense_terms_are_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ContractTerms(**bad)  # type: ignore[arg-type]
