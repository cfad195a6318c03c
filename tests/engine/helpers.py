"""Constants and builders shared by the engine tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from app.engine import GuardContext

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2025, 6, 1)

# The smallest valid definition; tests copy and break it.
MINI: dict[str, Any] = {
    "name": "mini",
    "title": "Mini",
    "initial": "a",
    "states": [
        {"name": "a", "title": "A"},
        {"name": "b", "title": "B"},
        {"name": "done", "title": "Done", "final": True},
    ],
    "transitions": [
        {"trigger": "go", "source": "a", "dest": "b", "roles": ["programme_manager"]},
        {"trigger": "finish", "source": "b", "dest": "done", "roles": ["programme_manager"]},
    ],
}


def make_ctx(**overrides: Any) -> GuardContext:
    """A context for a programme manager on an empty case; override any field."""
    fields: dict[str, Any] = {
        "actor": "alice",
        "roles": frozenset({"programme_manager"}),
        "today": TODAY,
        "case": {"id": 1, "state": "intake", "data": {}, "route": None},
        "contract": {"reference": "C-1", "tier": 2},
    }
    fields.update(overrides)
    return GuardContext(**fields)
