"""Bulk INSERT of transient ORM objects: one executemany per class instead of a flush per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Column, Connection, Table, func, insert, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.db.base import Base


def _default(column: Column[Any]) -> Any:
    """The Python-side default the ORM would have applied to an unset attribute."""
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        return None
    arg = getattr(default, "arg", None)
    return arg(None) if default.is_callable and callable(arg) else arg


def insert_objects(session: Session, objs: Sequence[Base], *, ids: bool = True) -> None:
    """INSERT transient objects of one class in one statement; with `ids`, set their ids.

    The objects stay outside the session (nothing to flush or expire): callers build them
    with the model's own constructors so the rows are the ones the ORM would have written.
    Unset attributes take the column's Python default, or its server default when unset on
    every row.
    """
    if not objs:
        return
    mapper = inspect(type(objs[0]))
    table = mapper.local_table
    assert isinstance(table, Table)
    attrs = [(a.key, cast(Column[Any], a.columns[0])) for a in mapper.column_attrs if a.key != "id"]
    rows: list[dict[str, Any]] = []
    for obj in objs:
        state = obj.__dict__
        rows.append(
            {
                # Set (even to None) is written as set, as a flush would; unset takes the default.
                col.key: state[key] if key in state else _default(col)
                for key, col in attrs
            }
        )
    # Columns left to a server default (no value on any row) are not sent at all.
    unsent = {
        col.key
        for key, col in attrs
        if col.default is None
        and col.server_default is not None
        and all(key not in o.__dict__ for o in objs)
    }
    if unsent:
        rows = [{k: v for k, v in r.items() if k not in unsent} for r in rows]
    conn = session.connection()
    if not ids:
        conn.execute(insert(table), rows)
        return
    if conn.dialect.name == "sqlite":
        new_ids = _sqlite_ids(conn, table, rows)
    else:
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        new_ids = list(conn.execute(stmt, rows).scalars())
    for obj, new_id in zip(objs, new_ids, strict=True):
        set_committed_value(obj, "id", new_id)


def _sqlite_ids(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert and read back the ids SQLite gave, in order, without a statement per row.

    SQLAlchemy sends RETURNING with parameter order one row at a time on SQLite. The write
    lock is held (BEGIN IMMEDIATE), so a batched INSERT's rows take the ids after every
    existing row, in order: the last `len(rows)` ids of the table, checked to be contiguous.
    """
    conn.execute(insert(table), rows)
    last = conn.execute(select(func.max(table.c.id))).scalar_one()
    first = last - len(rows) + 1
    held = conn.execute(select(func.count()).where(table.c.id >= first)).scalar_one()
    if held != len(rows):
        raise RuntimeError(f"{table.name}: ids of a bulk insert are not contiguous")
    return list(range(first, last + 1))
