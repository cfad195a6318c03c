"""The database as a command uses it: checked at the migration head, one transaction, disposed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
