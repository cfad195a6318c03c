"""The one way a list query takes its optional filters."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select

S = TypeVar("S", bound=Select[Any])


def where_given(stmt: S, *conditions: tuple[object, ColumnElement[bool]]) -> S:
    """The statement narrowed by each (value, condition) whose value was given (not None)."""
    for value, condition in conditions:
        if value is not None:
            stmt = stmt.where(condition)
    return stmt
