"""A database that is not ready says so: every command and the service check it at start."""

from __future__ import annotations

import ast
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.clock import FrozenClock
from app.config import ROOT, Settings
from app.db.migrate import alembic_config, downgrade
from app.db.readiness import ensure_ready
from app.db.session import make_engine
from app.main import create_app

FIX = "run `handover db upgrade`"
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()

# Every command that touches the database, with arguments that would otherwise work.
COMMANDS = [
    ["users", "create", "alex", "--role", "admin"],
    ["users", "token", "alex"],
    ["users", "revoke", "alex"],
    ["audit", "verify"],
    ["demo"],
    ["demo", "--if-empty"],
    ["import", "ocds", str(ROOT / "tests/imports/fixtures/multi-award.json")],
    ["reminders", "run"],
    ["reminders", "status"],
    ["reminders", "requeue"],
    ["workflows", "migrate", "contract_review", "--to", "latest", "--dry-run"],
    ["serve", "--port", "1"],
]


def handover(*args: str, cwd: Path, url: str | None) -> subprocess.Popen[str]:
    """Start `handover ARGS` from `cwd`, on `url` (None: the default database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOVER_")}
    if url is not None:
        env["HANDOVER_DATABASE_URL"] = url
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def one_error_line(process: subprocess.Popen[str]) -> str:
    """The single stderr line of a command that failed as expected (no traceback, exit 1)."""
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, (process.args, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (process.args, err)
    return lines[0]


def test_every_command_refuses_a_missing_database_in_one_line(tmp_path: Path) -> None:
    # It used to create an empty file there and die 150 lines later on "no such table: user".
    missing = tmp_path / "nothing-here.db"
    started = [handover(*cmd, cwd=tmp_path, url="sqlite:///./nothing-here.db") for cmd in COMMANDS]
    for process in started:
        assert one_error_line(process) == (
            f"error: database sqlite:///{missing} does not exist: {FIX} to create it"
        )
    assert list(tmp_path.iterdir()) == []


def test_every_command_names_the_migrations_a_database_lacks(
    db_url: str, tmp_path: Path, is_postgres: bool
) -> None:
    downgrade(db_url, "-1")
    shown = "postgresql+psycopg://" if is_postgres else f"sqlite:///{db_url[len('sqlite:///') :]}"
    started = [handover(*cmd, cwd=tmp_path, url=db_url) for cmd in COMMANDS]
    for process in started:
        line = one_error_line(process)
        assert line.startswith(f"error: database {shown}"), line
        assert line.endswith(f"is 1 migration(s) behind (missing {HEAD}): {FIX}"), line


def test_a_database_without_migrations_says_none_are_applied(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE something_else (id INTEGER)")
    line = one_error_line(handover("audit", "verify", cwd=tmp_path, url=f"sqlite:///{path}"))
    assert "has no migrations applied" in line and line.endswith(FIX)


def test_the_default_database_is_the_repositorys_wherever_a_command_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOVER_DATABASE_URL", raising=False)
    assert Settings(_env_file=None).database_url == f"sqlite:///{ROOT / 'handover.db'}"
    process = handover("users", "token", "nobody-at-all", cwd=tmp_path, url=None)
    line = one_error_line(process)
    # The repository's database: missing (fix it) or there (no such user); never a new file here.
    assert str(ROOT / "handover.db") in line or "no user named 'nobody-at-all'" in line
    assert not (tmp_path / "handover.db").exists()


def test_unreachable_and_unusable_databases_are_one_line(tmp_path: Path) -> None:
    refused = handover("audit", "verify", cwd=tmp_path, url="postgresql+psycopg://u@127.0.0.1:1/x")
    assert one_error_line(refused).startswith(
        "error: cannot use database postgresql+psycopg://u@127.0.0.1:1/x: connection failed"
    )
    garbled = handover("audit", "verify", cwd=tmp_path, url="not a url")
    assert "is not a usable database URL" in one_error_line(garbled)


def test_expected_command_failures_are_one_line(db_url: str, tmp_path: Path) -> None:
    env_url = db_url
    assert (
        handover("users", "create", "alex", "--role", "admin", cwd=tmp_path, url=env_url).wait(
            timeout=120
        )
        == 0
    )
    for args, expected in [
        (["users", "create", "alex", "--role", "admin"], "a user named 'alex' already exists"),
        (["users", "create", "bo", "--role", "emperor"], "unknown role(s): emperor"),
        (["users", "revoke", "nobody"], "no user named 'nobody'"),
        (["demo"], "already has users"),
        (["workflows", "migrate", "no_such_flow", "--to", "x"], "no_such_flow"),
    ]:
        line = one_error_line(handover(*args, cwd=tmp_path, url=env_url))
        assert expected in line, (args, line)


def test_healthz_is_503_with_the_reason_while_migrations_are_missing(
    db_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=db_url, environment="test", scheduler_enabled=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
    downgrade(db_url, "-1")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        res = client.get("/healthz")
    assert res.status_code == 503
    assert res.json() == {
        "status": "unavailable",
        "error": "database_not_migrated",  # the one error shape, as documented
        "detail": f"the database is 1 migration(s) behind (missing {HEAD}): {FIX}",
    }
    logged = [line for line in capfd.readouterr().err.splitlines() if "handover.db" in line]
    assert len(logged) == 1 and " ERROR " in logged[0]
    assert logged[0].endswith(f"(missing {HEAD}): {FIX}; /healthz answers 503 until then")


def test_no_module_imports_the_root_command() -> None:
    # transaction() lived in app.cli, which imports the other command modules: app.workflows.cli
    # imported it back inside a function, an import cycle hidden from the module's top.
    importers = []
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if "app.cli" in names:
                importers.append(str(path.relative_to(ROOT)))
    assert importers == []


def test_a_database_ahead_of_this_code_is_taken_as_newer(db_url: str, settings: Settings) -> None:
    # During a rolling deploy the new release migrates first; the old instances keep serving.
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        ensure_ready(engine)
    finally:
        engine.dispose()
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}


def test_a_healthy_probe_is_trusted_for_a_second_and_an_outage_shows_after_it(db_url: str) -> None:
    # A load balancer's probes cost the database one query a second, not one each.
    settings = Settings(database_url=db_url, environment="test", scheduler_enabled=False)
    clock = FrozenClock(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    with TestClient(create_app(settings, clock), raise_server_exceptions=False) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        downgrade(db_url, "-1")
        assert client.get("/healthz").status_code == 200  # within the second: trusted
        clock.advance(seconds=1)
        assert client.get("/healthz").status_code == 503
        assert client.get("/healthz").status_code == 503  # a failure is never kept
