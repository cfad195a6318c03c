"""The SQLite writer and reader engines: their pragmas and how each begins a transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.db.session import make_engine, make_reader_engine


def _pragma(engine: Engine, name: str) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_the_writer_and_reader_connections_carry_their_pragmas(
    settings: Settings, is_postgres: bool
) -> None:
    if is_postgres:
        pytest.skip("SQLite engines only")
    writer, reader = make_engine(settings), make_reader_engine(settings)
    assert reader is not None
    try:
        busy = settings.sqlite_busy_timeout_ms
        assert _pragma(writer, "journal_mode") == "wal"
        assert (_pragma(writer, "foreign_keys"), _pragma(writer, "synchronous")) == (1, 1)
        assert (_pragma(writer, "busy_timeout"), _pragma(reader, "busy_timeout")) == (busy, busy)
        assert (_pragma(writer, "query_only"), _pragma(reader, "query_only")) == (0, 1)
    finally:
        writer.dispose()
        reader.dispose()


def test_the_writer_locks_at_begin_and_readers_read_beside_it(
    settings: Settings, is_postgres: bool
) -> None:
    if is_postgres:
        pytest.skip("SQLite engines only")
    writer, reader = make_engine(settings), make_reader_engine(settings)
    other = make_engine(settings.model_copy(update={"sqlite_busy_timeout_ms": 1}))
    assert reader is not None
    try:
        with writer.begin():  # BEGIN IMMEDIATE: the write lock is held before any write
            with pytest.raises(OperationalError, match="locked"), other.begin():
                pass
            with reader.begin() as conn:  # a deferred BEGIN: the read does not wait
                assert conn.execute(text("SELECT count(*) FROM contract")).scalar() == 0
        with pytest.raises(OperationalError, match="readonly"), reader.begin() as conn:
            conn.execute(text("DELETE FROM contract"))
    finally:
        for engine in (writer, reader, other):
            engine.dispose()
