"""Every guard there is, collected from the modules that hold them: one visible list."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from app.engine import guards, guards_dates, guards_family
from app.engine.context import GuardContext
from app.engine.guard_registry import GuardSpec, collect

GUARDS: Mapping[str, GuardSpec] = MappingProxyType(collect(guards, guards_dates, guards_family))


def run_guard(name: str, ctx: GuardContext, params: Mapping[str, Any]) -> str | None:
    """Run the named guard; None means it passes."""
    return GUARDS[name].fn(ctx, params)
