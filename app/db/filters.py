"""The one way a list query takes its optional filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Select

S = TypeVar("S", bound=Select[Any])
Compare = Callable[[Any, Any], Any]
"""operator.eq, operator.ge, …: applied to a column and a value, a SQL condition."""


def where_given(stmt: S, *filters: tuple[Any, Compare, object]) -> S:
    """The statement narrowed by each (column, comparison, value) whose value is not None."""
    # The condition is built only for a given value: SQL comparisons refuse None.
    for column, compare, value in filters:
        if value is not None:
            stmt = stmt.where(compare(column, value))
    return stmt
