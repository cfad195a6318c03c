"""Shared path and query parameter types."""

import re
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator

MAX_ID = 2_147_483_647  # 32-bit INTEGER keys: larger ids cannot exist, and must not reach SQL

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _iso_date(value: Any) -> Any:
    # The lax parser reads `0` as 1970-01-01 (a Unix time); a date filter is YYYY-MM-DD only.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


DateQuery = Annotated[date | None, BeforeValidator(_iso_date), Query()]
"""An optional date filter, ISO 8601 only."""


def _iso_instant(value: Any) -> Any:
    # The lax parser reads `0.5` as a Unix time; an instant filter is ISO 8601 only.
    if isinstance(value, str) and not re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be an ISO 8601 date-time")
    return value


InstantQuery = Annotated[datetime | None, BeforeValidator(_iso_instant), Query()]
"""An optional instant filter, ISO 8601 only."""


def _json_int(value: Any) -> Any:
    # JSON has no bool-as-number: `false` for a count is a slip, not 0. Integral floats (1.0)
    # are integers by JSON Schema and stay accepted; "5" is text, not a number.
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON integer")
    return value


JsonInt = BeforeValidator(_json_int)
"""Put in an int field's Annotated: refuses booleans and strings, keeps 1.0 as 1."""
