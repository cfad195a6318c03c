"""Whether a database has every migration this code needs, and how to say so when not."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.db.migrate import alembic_config

FIX = "run `handover db upgrade`"
logger = logging.getLogger("handover.db")


class DatabaseNotReady(Exception):
    """The database is missing, or behind the migrations this code needs."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@lru_cache
def _revisions() -> tuple[tuple[str, ...], dict[str, frozenset[str]]]:
    """Every revision oldest first, and each one's ancestry (itself included)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    ordered = tuple(reversed([rev.revision for rev in script.walk_revisions()]))
    ancestry = {
        rev: frozenset(r.revision for r in script.iterate_revisions(rev, "base") if r is not None)
        for rev in ordered
    }
    return ordered, ancestry


def missing_migrations(connection: Connection) -> list[str]:
    """Revisions this code has that the database lacks, oldest first (empty when ready)."""
    current = _applied(connection)
    ordered, ancestry = _revisions()
    if current - ancestry.keys():
        # A revision this code does not know is a newer release's: during a rolling deploy
        # the old instances keep serving, so that is not "missing".
        return []
    applied = set().union(*(ancestry[rev] for rev in current))
    return [rev for rev in ordered if rev not in applied]


def _applied(connection: Connection) -> set[str]:
    # Read directly: alembic's MigrationContext logs two INFO lines per call, and a load
    # balancer probes /healthz every few seconds.
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return set(connection.scalars(text("SELECT version_num FROM alembic_version")))


def describe_missing(missing: list[str]) -> str:
    """What is missing, in words, with the command that fixes it."""
    ordered, _ = _revisions()
    names = ", ".join(missing) if len(missing) <= 3 else f"{missing[0]} to {missing[-1]}"
    if len(missing) == len(ordered):
        return f"has no migrations applied ({len(missing)} missing, {names}): {FIX}"
    return f"is {len(missing)} migration(s) behind (missing {names}): {FIX}"


def shown(url: str) -> str:
    """The database URL as messages show it: no password, a SQLite file's absolute path."""
    path = _sqlite_file(url)
    if path is not None:
        return f"sqlite:///{path}"
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


def ensure_ready(engine: Engine) -> None:
    """Raise DatabaseNotReady naming the database, what is missing and the fix."""
    url = engine.url.render_as_string(hide_password=False)
    path = _sqlite_file(url)
    # Connecting would create an empty SQLite file: say it is missing instead.
    if path is not None and not path.exists():
        raise DatabaseNotReady(f"database {shown(url)} does not exist: {FIX} to create it")
    with engine.connect() as connection:
        missing = missing_migrations(connection)
    if missing:
        raise DatabaseNotReady(f"database {shown(url)} {describe_missing(missing)}")


def report_at_start(engine: Engine) -> None:
    """Log one error line when the service starts on a database that is not ready.

    The service still starts: /healthz answers 503 until the migrations are applied, so a
    load balancer waits for `handover db upgrade` instead of a restart loop.
    """
    try:
        ensure_ready(engine)
    except DatabaseNotReady as exc:
        logger.error("%s; /healthz answers 503 until then", exc.detail)
    except OperationalError as exc:
        logger.error("database unreachable at start: %s", first_line(exc.orig or exc))


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (drivers add hints and SQL below it)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
