"""Unverified hints about a contract's real terms, read from a release's text and dates.

Contracts Finder's end date sometimes already includes extensions: a notice reading
"3 years + 1 + 1, maximum 5" may publish the five-year end as the contract's end date
(held-out Contracts Finder data, issue 14). The text cannot settle which, so what it
suggests is kept as hints for the person who confirms the terms from the signed contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.deadlines.compute import add_months

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_NUM = r"(\d{1,2}|one|two|three|four|five|six|seven)"
_UNIT = r"(years?|yrs?|months?)"
# "3 years + 1 + 1", "3+1+1 years", "2 years + 1 year + 1 year"
_PLUS = re.compile(rf"\b{_NUM}\s*{_UNIT}?((?:\s*\+\s*{_NUM}\s*{_UNIT}?)+)(?:\s*{_UNIT})?", re.I)
_PLUS_PART = re.compile(rf"\+\s*{_NUM}", re.I)
# "option to extend for 2 further periods of 12 months", "2 x 12 months", "2 x 1 year"
_TIMES = re.compile(
    rf"\b{_NUM}\s*(?:x|\u00d7|\*|further periods? of|periods? of|additional periods? of)\s*"
    rf"{_NUM}\s*{_UNIT}",
    re.I,
)
# "initial term of 3 years", "initial period of 36 months", "for a period of 3 years"
_BASE = re.compile(
    rf"\b(?:initial|base|core)\s+(?:term|period|contract)\s+of\s+{_NUM}\s*{_UNIT}", re.I
)
# "maximum 5 years", "maximum term of 5 years", "up to a maximum of 60 months"
_MAX = re.compile(
    rf"\bmax(?:imum)?\.?\s+(?:(?:term|duration|period)\s+)?(?:of\s+)?{_NUM}\s*{_UNIT}", re.I
)
_SLACK_DAYS = 45  # published dates are rounded to the month, and often to the day before


@dataclass(frozen=True)
class _Shape:
    base_months: int | None
    extensions: tuple[int, ...]
    max_months: int | None


def _n(word: str) -> int:
    return _WORDS.get(word.lower()) or int(word)


def _months(count: int, unit: str | None) -> int:
    return count if unit and unit.lower().startswith("month") else count * 12


def _shape(text: str) -> _Shape:
    base: int | None = None
    extensions: tuple[int, ...] = ()
    match = _PLUS.search(text)
    unit = (match.group(2) or match.group(6) or match.group(5)) if match else None
    if match and unit:  # "Tier 1 + 2" is no term: only a sum with years or months counts
        base = _months(_n(match.group(1)), unit)
        extensions = tuple(
            _months(_n(m.group(1)), unit) for m in _PLUS_PART.finditer(match.group(3))
        )
    elif match := _TIMES.search(text):
        count, each = _n(match.group(1)), _months(_n(match.group(2)), match.group(3))
        extensions = (each,) * count if count <= 10 else ()
    if found := _BASE.search(text):
        base = _months(_n(found.group(1)), found.group(2))
    found = _MAX.search(text)
    maximum = _months(_n(found.group(1)), found.group(2)) if found else None
    return _Shape(base, extensions, maximum)


def _close(a: date, b: date) -> bool:
    return abs((a - b).days) <= _SLACK_DAYS


def _years(months: int) -> str:
    return f"{months // 12}-year" if months % 12 == 0 else f"{months}-month"


def _extension_words(extensions: tuple[int, ...]) -> str:
    if len(set(extensions)) == 1:
        return f"{len(extensions)} \u00d7 {_years(extensions[0])} extension" + (
            "s" if len(extensions) > 1 else ""
        )
    return " + ".join(_years(m) for m in extensions) + " extensions"


def term_hints(
    *,
    text: str,
    start_date: date | None,
    end_date: date | None,
    max_end_date: date | None = None,
    tender_end_date: date | None = None,
) -> tuple[str, ...]:
    """Hints (sentences) on whether the published end date includes extensions; pure."""
    shape = _shape(text)
    hints: list[str] = []
    ext_total = sum(shape.extensions)
    base = shape.base_months
    if base is None and shape.max_months is not None and ext_total:
        base = shape.max_months - ext_total if shape.max_months > ext_total else None
    if start_date and end_date and base is not None and ext_total:
        base_end = add_months(start_date, base) - timedelta(days=1)
        full_end = add_months(start_date, base + ext_total) - timedelta(days=1)
        words = _extension_words(shape.extensions)
        if _close(end_date, full_end) and not _close(end_date, base_end):
            hints.append(f"end date may include {words}; base term may end {base_end.isoformat()}")
        elif _close(end_date, base_end) and max_end_date is None:
            hints.append(
                f"end date looks like the base term; {words} may run to {full_end.isoformat()}"
            )
    elif shape.extensions and end_date:
        hints.append(f"text mentions {_extension_words(shape.extensions)}: check the end date")
    if tender_end_date and end_date and not _close(tender_end_date, end_date):
        when = "earlier" if tender_end_date < end_date else "later"
        hints.append(
            f"the tender's contract period ends {tender_end_date.isoformat()}, {when} than"
            f" the end date {end_date.isoformat()}: one of them may include extensions"
        )
    return tuple(hints)
