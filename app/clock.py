"""Injected time: every 'now' and 'today' in Handover comes from a Clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the time; tests substitute a FrozenClock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    def today(self) -> date:
        """The current date in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """The current date in UTC."""
        return self.now().date()


class FrozenClock:
    """A clock that only moves when told to (tests, demos, benchmarks)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware instant")
        self._now = at.astimezone(UTC)

    def now(self) -> datetime:
        """The frozen instant."""
        return self._now

    def today(self) -> date:
        """The frozen date."""
        return self._now.date()

    def set(self, at: datetime) -> None:
        """Move to an instant."""
        self._now = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta given as keyword arguments."""
        self._now += timedelta(**delta)
