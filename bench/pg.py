"""A scratch PostgreSQL database for a bench: the local server unless a URL names another."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

LOCAL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server (as in CI)."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or LOCAL
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def scratch_database(purpose: str) -> Iterator[str | None]:
    """Yield the URL of a new empty database, dropped after; None when no server answers."""
    url = make_url(server_url())
    name = f"handover_bench_{purpose}_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as exc:
        print(f"postgresql skipped: no server at {url.host}:{url.port} ({type(exc).__name__})")
        admin.dispose()
        yield None
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
