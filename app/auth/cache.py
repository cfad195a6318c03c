"""A short-lived cache of token → actor, so most requests skip the token query.

Each app holds one. A revocation through app.auth.service empties every cache in this
process at once (and again when its transaction commits, so a request that read the old row
in between cannot keep it); another process's change is seen when the entry ages out after
`ttl` seconds. Freshness is read from the app's clock, so tests move time instead of sleeping.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.auth.actor import Actor

MAX_ENTRIES = 10_000
"""Past this the cache starts over: a flood of distinct tokens cannot grow memory."""

_LIVE: weakref.WeakSet[TokenCache] = weakref.WeakSet()


@dataclass(frozen=True)
class _Entry:
    actor: Actor
    expires_at: datetime | None
    fresh_until: datetime


class TokenCache:
    """Actors by token hash, each trusted for `ttl` seconds after it was read."""

    def __init__(self, ttl: float) -> None:
        self.ttl = timedelta(seconds=ttl)
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        _LIVE.add(self)

    def get(self, token_hash: str, now: datetime) -> Actor | None:
        """The cached actor, or None when absent, stale or past the token's expiry."""
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if now >= entry.fresh_until or (entry.expires_at is not None and entry.expires_at <= now):
            self._entries.pop(token_hash, None)
            return None
        return entry.actor

    def put(
        self, token_hash: str, actor: Actor, expires_at: datetime | None, now: datetime
    ) -> None:
        """Remember an actor just read from the database."""
        if not self.ttl:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[token_hash] = _Entry(actor, expires_at, now + self.ttl)

    def forget_user(self, user_id: int) -> None:
        """Drop every entry of one user."""
        with self._lock:
            stale = [h for h, e in self._entries.items() if e.actor.id == user_id]
            for token_hash in stale:
                del self._entries[token_hash]


def forget_user_everywhere(user_id: int) -> None:
    """Drop a user's entries from every cache in this process (a revocation, a role change)."""
    for cache in list(_LIVE):
        cache.forget_user(user_id)
