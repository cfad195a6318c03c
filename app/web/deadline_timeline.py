"""The Deadlines page's picture: twelve months of deadlines as SVG geometry (drawn by a template).

The template draws only what is computed here, with classes (styled in _app.scss under
app-deadline-timeline): no <style> or style= inside, so the strict CSP holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.deadlines.models import Deadline
from app.web.templating import day, humanise

WIDTH = 1000
LEFT = 210
"""Room for the lane labels (deadline kinds) on the left."""
RIGHT = 20
TOP = 40
LANE = 34
DAYS = 365


@dataclass(frozen=True)
class Tick:
    """The first of a month on the axis."""

    x: float
    label: str


@dataclass(frozen=True)
class Lane:
    """One row of the picture: one kind of deadline."""

    y: float
    label: str


@dataclass(frozen=True)
class Dot:
    """One deadline."""

    x: float
    y: float
    status: str
    label: str


@dataclass(frozen=True)
class Timeline:
    """Everything the template draws, and the words that describe it."""

    width: int
    height: int
    left: int
    right: int
    top: int
    ticks: list[Tick]
    lanes: list[Lane]
    dots: list[Dot]
    description: str


def window(today: date) -> tuple[date, date]:
    """The twelve months shown: from today up to (not including) the end date."""
    return today, today + timedelta(days=DAYS)


def _x(day: date, start: date) -> float:
    return round(LEFT + (day - start).days * (WIDTH - LEFT - RIGHT) / DAYS, 1)


def _months(start: date, end: date) -> list[Tick]:
    ticks: list[Tick] = []
    first = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    while first < end:
        if _x(first, start) > WIDTH - RIGHT - 30:
            break  # no room left for the month's name
        ticks.append(
            Tick(_x(first, start), f"{first:%b} {first:%y}" if first.month == 1 else f"{first:%b}")
        )
        first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return ticks


def _description(deadlines: Sequence[Deadline], start: date, end: date, total: int) -> str:
    counts = Counter(d.status for d in deadlines)
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    drawn = f" (the first {len(deadlines)} drawn)" if total > len(deadlines) else ""
    last = end - timedelta(days=1)
    span = f"{day(start)} to {day(last)}"
    if not deadlines:
        return f"No deadlines from {span}."
    return (
        f"{total} deadline{'s' if total != 1 else ''}{drawn} from {span}, one row per kind: "
        f"{parts}. The table below lists them."
    )


def build(deadlines: Sequence[Deadline], today: date, total: int) -> Timeline:
    """The picture of these deadlines over the twelve months from today."""
    start, end = window(today)
    kinds = sorted({d.kind for d in deadlines})
    lanes = [Lane(TOP + LANE * i + LANE / 2, humanise(k)) for i, k in enumerate(kinds)]
    row = {k: lane.y for k, lane in zip(kinds, lanes, strict=True)}
    dots = [
        Dot(
            _x(d.date, start),
            row[d.kind],
            d.status,
            f"{humanise(d.kind)}, {day(d.date)}, {d.status}",
        )
        for d in deadlines
    ]
    return Timeline(
        width=WIDTH,
        height=TOP + LANE * max(1, len(kinds)) + 10,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        ticks=_months(start, end),
        lanes=lanes,
        dots=dots,
        description=_description(deadlines, start, end, total),
    )
