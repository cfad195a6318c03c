"""Slow down guessing: failed authentications counted per address and per token, then 429.

In memory, per process (each worker brakes on its own: with N workers a guesser gets at most
N times the limit). Time comes from the app's clock, so tests move it instead of sleeping.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import deque
from datetime import datetime

from app.errors import DomainError

WINDOW_SECONDS = 60.0
MAX_KEYS = 100_000
"""Keys tracked at most; past this the oldest are dropped (a flood cannot exhaust memory)."""


class RateLimited(DomainError):
    """Too many failed authentications; wait Retry-After seconds."""

    status_code = 429
    code = "rate_limited"


class AuthBrake:
    """Sliding one-minute windows of failures, keyed by client address and by token."""

    def __init__(self, *, per_address: int, per_token: int) -> None:
        self.limits = {"address": per_address, "token": per_token}
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(address: str, token: str) -> list[tuple[str, str]]:
        keys = [("address", address)]
        if token:  # only a fingerprint is held, never the token
            keys.append(("token", hashlib.sha256(token.encode()).hexdigest()[:32]))
        return keys

    def check(self, *, address: str, token: str, now: datetime) -> None:
        """Raise RateLimited while the address or the token is over its limit."""
        t = now.timestamp()
        wait = 0.0
        with self._lock:
            for key in self._keys(address, token):
                times = self._failures.get(key)
                if not times:
                    continue
                while times and times[0] <= t - WINDOW_SECONDS:
                    times.popleft()
                if len(times) >= self.limits[key[0]]:
                    wait = max(wait, times[0] + WINDOW_SECONDS - t)
        if wait > 0:
            raise RateLimited(
                "too many failed authentications; wait before trying again",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )

    def failed(self, *, address: str, token: str, now: datetime) -> None:
        """Count one failed authentication."""
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                self._failures.pop(next(iter(self._failures)))
            for key in self._keys(address, token):
                self._failures.setdefault(key, deque()).append(now.timestamp())
