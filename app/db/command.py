"""The database as a command uses it: checked at the migration head, one transaction, disposed.

Every `handover` command that touches the database sets it up here, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, get_settings
from app.db.readiness import ensure_ready
from app.db.session import make_engine, make_sessionmaker


@contextmanager
def command_sessions(settings: Settings | None = None) -> Iterator[sessionmaker[Session]]:
    """A session factory on the configured database, refused (DatabaseNotReady) if not ready."""
    engine = make_engine(settings or get_settings())
    try:
        ensure_ready(engine)
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()


@contextmanager
def transaction(settings: Settings | None = None) -> Iterator[Session]:
    """One session and transaction for a command, committed on success."""
    with command_sessions(settings) as sessions, sessions.begin() as session:
        yield session


def check_ready(settings: Settings | None = None) -> None:
    """Refuse (DatabaseNotReady) a database that is not at the migration head."""
    with command_sessions(settings):
        pass


@contextmanager
def read_connection(settings: Settings | None = None) -> Iterator[Connection]:
    """A plain read transaction for a long walk (audit verify), on a database that is ready."""
    # On SQLite it must not take the writer's lock for the whole walk (so not make_engine's
    # BEGIN IMMEDIATE); on PostgreSQL one snapshot, so the chain does not move under the walk.
    url = (settings or get_settings()).database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    try:
        ensure_ready(engine)
        options = {} if url.startswith("sqlite") else {"isolation_level": "REPEATABLE READ"}
        with engine.connect().execution_options(**options) as conn, conn.begin():
            yield conn
    finally:
        engine.dispose()
