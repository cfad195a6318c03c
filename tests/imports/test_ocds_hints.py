"""Unverified term hints from a release's text and tender period (issue 14).

Source: held-out Contracts Finder data, where the published end date sometimes already
includes the extensions a notice describes ("3 years + 1 + 1, maximum 5").
"""

from __future__ import annotations

from datetime import date

import pytest

from app.imports.ocds_hints import term_hints
from app.imports.ocds_map import map_release
from tests.imports.helpers import release

START = date(2024, 4, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Hosting services, 3 years + 1 + 1, maximum 5",
        "Managed service 3+1+1 years",
        "An initial term of 3 years with an option to extend for 2 further periods of 12 months",
        "Option to extend 2 x 1 year, maximum term of 5 years",
    ],
)
def test_an_end_date_including_the_extensions_is_flagged(text: str) -> None:
    hints = term_hints(text=text, start_date=START, end_date=date(2029, 3, 31))
    assert hints == (
        "end date may include 2 \u00d7 1-year extensions; base term may end 2027-03-31",
    )


def test_an_end_date_at_the_base_term_says_where_the_options_run() -> None:
    hints = term_hints(text="3 years + 1 + 1", start_date=START, end_date=date(2027, 3, 31))
    assert hints == (
        "end date looks like the base term; 2 \u00d7 1-year extensions may run to 2029-03-31",
    )


def test_months_are_read_as_months() -> None:
    hints = term_hints(
        text="initial period of 24 months, 2 x 6 months extension",
        start_date=START,
        end_date=date(2027, 3, 31),
    )
    assert hints == (
        "end date may include 2 \u00d7 6-month extensions; base term may end 2026-03-31",
    )


def test_a_tender_period_that_disagrees_is_a_hint() -> None:
    hints = term_hints(
        text="Desktop support",
        start_date=START,
        end_date=date(2028, 3, 31),
        tender_end_date=date(2026, 3, 31),
    )
    assert hints == (
        "the tender's contract period ends 2026-03-31, earlier than the end date 2028-03-31:"
        " one of them may include extensions",
    )


@pytest.mark.parametrize(
    "text", ["Managed service", "Contract for 2024 + 2025 services", "Tier 1 + 2 support"]
)
def test_plain_text_and_years_give_no_hint(text: str) -> None:
    assert term_hints(text=text, start_date=START, end_date=date(2027, 3, 31)) == ()


def test_the_mapper_carries_the_hints() -> None:
    doc = release()
    doc["tender"] = {
        "title": "Managed IT service",
        "description": "Initial term of 1 year + 1 + 1, maximum 3 years",
        "contractPeriod": {"startDate": "2020-04-01T00:00:00Z", "endDate": "2021-03-31T00:00:00Z"},
    }
    data = map_release(doc, "releases[0]")
    assert data.end_date == date(2023, 3, 31)
    assert data.terms_hints == (
        "end date may include 2 \u00d7 1-year extensions; base term may end 2021-03-31",
        "the tender's contract period ends 2021-03-31, earlier than the end date 2023-03-31:"
        " one of them may include extensions",
    )
