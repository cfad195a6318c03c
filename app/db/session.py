"""Engine and session factory; the request owns the transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event, pool
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.audit import chain
from app.config import Settings
from app.db.admission import Admission


def make_engine(settings: Settings) -> Engine:
    """Create the engine for the configured database with the right pool and pragmas."""
    url = settings.database_url
    if url.startswith("sqlite"):
        return _sqlite_engine(url, settings.sqlite_busy_timeout_ms)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_pre_ping=True,
        # A database error is logged; its bound values (token hashes, contact details) are not.
        hide_parameters=True,
    )


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    # One connection: SQLite has one writer, and a pool of writers only queues on the
    # file lock with worse latency (DESIGN.md section 6). Threads share it in turn.
    engine = create_engine(
        url,
        poolclass=pool.QueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        hide_parameters=True,  # as for PostgreSQL: errors are logged without their values
    )
    busy = f"busy_timeout={int(busy_timeout_ms)}"
    pragmas = ("journal_mode=WAL", "foreign_keys=ON", busy, "synchronous=NORMAL")
    # Take the write lock at BEGIN: a deferred transaction that later writes can fail with
    # SQLITE_BUSY instead of waiting its turn.
    _sqlite_transactions(engine, pragmas, begin="BEGIN IMMEDIATE")
    return engine


def _sqlite_transactions(engine: Engine, pragmas: tuple[str, ...], begin: str) -> None:
    """Set each new connection's pragmas, and start every transaction with `begin`."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so `begin` below is the only BEGIN.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in pragmas:
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)


READERS = 4
"""SQLite connections for reads: in WAL mode they read beside the one writer, never waiting."""


def make_reader_engine(settings: Settings) -> Engine | None:
    """On SQLite, a pool of read-only connections for API reads; None elsewhere.

    PostgreSQL's MVCC already lets reads run beside writes on the one pool.
    """
    url = settings.database_url
    if not url.startswith("sqlite") or ":memory:" in url or url.rstrip("/") == "sqlite:":
        return None
    engine = create_engine(
        url,
        poolclass=pool.QueuePool,
        pool_size=READERS,
        max_overflow=0,
        pool_timeout=60,
        connect_args={
            "check_same_thread": False,
            "timeout": settings.sqlite_busy_timeout_ms / 1000,
        },
    )
    busy = f"busy_timeout={int(settings.sqlite_busy_timeout_ms)}"
    # query_only: a read that tries to write fails loudly instead of racing the writer for
    # the lock. A deferred BEGIN takes no write lock, yet sees one snapshot for the request.
    _sqlite_transactions(engine, (busy, "query_only=ON"), begin="BEGIN")
    return engine


def reads_only(method: str, path: str) -> bool:
    """Whether a request goes to the reader pool: API reads (web pages touch their session)."""
    return method in ("GET", "HEAD") and (path.startswith("/api/") or path == "/healthz")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory; sessions keep loaded objects usable after commit and seal audit events."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    # Every session factory of the app, its CLI, tests and bench is made here: the one place
    # the audit chain's commit hooks are wired (app.audit.chain.install), per factory.
    chain.install(sessions)
    return sessions


def _finish(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent.

    The request first waits (on the event loop, not in a thread) for an admission slot, so
    no more requests hold sessions than the pool has connections; see app.db.admission.
    """
    state = request.app.state
    reader = state.reader_sessionmaker is not None and reads_only(request.method, request.url.path)
    admission: Admission = state.reader_admission if reader else state.admission
    factory: sessionmaker[Session] = state.reader_sessionmaker if reader else state.sessionmaker
    async with admission.slot():
        session = factory()
        commit = False
        try:
            yield session
            commit = True
        finally:
            if reader:
                # Ending a SQLite read (nothing to write or sync) takes microseconds: done
                # here it saves the request a thread hop, and sync code cannot be cancelled.
                _finish(session, commit)
            else:
                # Shielded: a client that disconnects must not leave the connection checked out.
                with anyio.CancelScope(shield=True):
                    await run_in_threadpool(_finish, session, commit)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
