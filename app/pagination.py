"""Keyset pagination shared by every list endpoint: {"items": [...], "next": cursor}."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from app.errors import BadRequest

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page (1-500).")]
Cursor = Annotated[
    str | None,
    # The document states the pattern, so every cursor it allows is one the API can read;
    # decode_cursor enforces it with a 400 (malformed), not a 422.
    Query(
        json_schema_extra={"pattern": r"^[0-9]{1,9}$"},
        description="The `next` value of the previous page.",
    ),
]


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    next: str | None = None


def encode_cursor(key: int) -> str:
    """The cursor for the last key of a page (clients pass it back unchanged)."""
    return str(key)


def decode_cursor(cursor: str | None) -> int | None:
    """The key a cursor stands for, or 400 for a cursor we did not issue."""
    if cursor is None:
        return None
    if not cursor.isdigit() or len(cursor) > 9:  # keys are 32-bit
        raise BadRequest("invalid cursor; pass the 'next' value of a previous page")
    return int(cursor)


def next_cursor(keys: list[int], limit: int) -> str | None:
    """The cursor of the following page, or None when this page is the last."""
    return encode_cursor(keys[-1]) if len(keys) > limit - 1 and keys else None
