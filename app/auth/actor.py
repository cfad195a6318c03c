"""The actor every service is handed (its own module, so the token cache imports nothing else)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The authenticated caller of a request."""

    id: int
    name: str
    roles: frozenset[str]

    def has_any(self, roles: Iterable[str]) -> bool:
        """Whether the actor holds at least one of the roles."""
        return not self.roles.isdisjoint(roles)
