"""The failures a command expects (bad settings, a database not ready or unreachable, refused
input) as one line each; anything else is a bug and keeps its traceback."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from app.audit.anchors import AnchorError
from app.audit.keys import AuditKeyError
from app.db.readiness import DatabaseNotReady, first_line, shown
from app.engine import DefinitionError
from app.errors import DomainError


def expected_failure(exc: BaseException) -> str | None:
    """The one-line message for an expected failure, or None for a bug."""
    if isinstance(exc, DatabaseNotReady):
        return exc.detail
    if isinstance(exc, AuditKeyError | AnchorError):
        return str(exc)
    if isinstance(exc, DomainError):
        return "; ".join([exc.detail, *map(_problem, exc.problems)])
    if isinstance(exc, OperationalError):
        return f"cannot use database {_database()}: {first_line(exc.orig or exc)}"
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return f"HANDOVER_DATABASE_URL is not a usable database URL: {first_line(exc)}"
    if isinstance(exc, ValidationError) and exc.title == "Settings":
        return "invalid settings: " + "; ".join(_setting_problem(e) for e in exc.errors())
    if isinstance(exc, DefinitionError):
        return (
            f"{len(exc.problems)} problem(s) in the workflow definitions, the first: "
            f"{exc.problems[0]} (`handover workflows check` lists them all)"
        )
    return None


def _database() -> str:
    from app.config import get_settings

    try:
        return shown(get_settings().database_url)
    except (ValidationError, ArgumentError):
        return "(unreadable settings)"


def _setting_problem(error: ErrorDetails) -> str:
    message = error["msg"].removeprefix("Value error, ")
    field = ".".join(map(str, error["loc"]))
    return f"HANDOVER_{field.upper()}: {message}" if field else message


def _problem(problem: dict[str, Any]) -> str:
    where = problem.get("field") or problem.get("path") or problem.get("code")
    what = problem.get("message") or problem.get("detail") or ""
    return f"{where}: {what}" if where else str(what)
