"""Cursor pagination for every list endpoint: {"items": [...], "next": cursor}.

Most lists are keyset by id (the cursor is the last id); /api/deadlines, ordered by date,
uses a cursor holding its offset. Cursors are opaque to clients, not signed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

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


def keyset_page(
    session: Session,
    stmt: Select[Any],
    limit: int,
    out: Callable[[Any], T],
    key: Callable[[Any], int] = lambda row: int(row.id),
) -> Page[T]:
    """One page of a statement already filtered past the cursor's key, in key order."""
    rows = list(session.scalars(stmt.limit(limit + 1)))
    more, rows = len(rows) > limit, rows[:limit]
    return Page(items=[out(r) for r in rows], next=encode_cursor(key(rows[-1])) if more else None)


def offset_page(
    session: Session, stmt: Select[Any], limit: int, cursor: str | None, out: Callable[[Any], T]
) -> Page[T]:
    """One page of a statement in an order no key follows (the cursor is the position)."""
    start = decode_cursor(cursor) or 0
    rows = list(session.scalars(stmt.offset(start).limit(limit + 1)))
    more, rows = len(rows) > limit, rows[:limit]
    return Page(items=[out(r) for r in rows], next=encode_cursor(start + limit) if more else None)
