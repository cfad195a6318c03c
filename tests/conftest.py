"""Test fixtures: a real database per test (SQLite file, or PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.auth import service as auth
from app.clock import FrozenClock
from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.imports.samples import ENV as SAMPLES_ENV
from app.imports.samples import ocds_samples as find_ocds_samples
from app.main import create_app

PG_URL = os.environ.get("TEST_DATABASE_URL")
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
_counter = itertools.count()

SAMPLES = find_ocds_samples()
SAMPLES_MISSING = (
    f"needs the published OCDS samples, not found: set {SAMPLES_ENV} to a folder holding"
    " contracts-finder/ and examples/ (the README's 'Test data' says where to get them)"
)


def samples_present() -> bool:
    """Whether the published OCDS samples are where the tests look for them."""
    return SAMPLES is not None and all(
        (SAMPLES / d).is_dir() for d in ("contracts-finder", "examples")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In CI (CI=true) a test that needs the samples may not be skipped: stop, saying why."""
    if os.environ.get("CI") != "true" or samples_present():
        return
    needing = [item for item in items if "ocds_samples" in getattr(item, "fixturenames", ())]
    if needing:
        why = SAMPLES_MISSING.removeprefix("needs ")
        raise pytest.UsageError(f"CI=true: {len(needing)} selected tests need {why}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Give every samples skip one location: the summary says it once, not once per test."""
    report = yield
    longrepr = getattr(report, "longrepr", None)
    if report.skipped and isinstance(longrepr, tuple) and longrepr[2].endswith(SAMPLES_MISSING):
        # A None line makes pytest print the file alone: typed int, but its code allows None.
        report.longrepr = (__file__, None, longrepr[2])  # type: ignore[assignment]
    return report


@pytest.fixture(scope="session")
def ocds_samples() -> Path:
    """The published OCDS samples; without them the tests needing them skip, all on one line."""
    if not samples_present():
        pytest.skip(SAMPLES_MISSING)
    assert SAMPLES is not None
    return SAMPLES


def _pg_admin_url() -> str:
    assert PG_URL
    return make_url(_psycopg(PG_URL)).set(database="postgres").render_as_string(hide_password=False)


def _psycopg(url: str) -> str:
    return (
        "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url
    )


def _pg_exec(sql: str) -> None:
    engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _pg_db_url(name: str) -> str:
    assert PG_URL
    return make_url(_psycopg(PG_URL)).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def template_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once; each test gets a copy."""
    if PG_URL:
        name = f"handover_tpl_{os.getpid()}"
        _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_exec(f'CREATE DATABASE "{name}"')
        url = _pg_db_url(name)
        upgrade(url)
        yield url
        _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path_factory.mktemp("tpl") / "template.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url


@pytest.fixture
def db_url(template_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database for one test, cloned from the migrated template."""
    with cloned_database(template_url, tmp_path) as url:
        yield url


@contextmanager
def cloned_database(template_url: str, tmp_path: Path) -> Iterator[str]:
    """A copy of the migrated template (a SQLite file in `tmp_path`), dropped afterwards.

    Also for module-scoped fixtures that share one database between a module's tests.
    """
    if PG_URL:
        name = f"handover_t_{os.getpid()}_{next(_counter)}"
        template = make_url(template_url).database
        _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield _pg_db_url(name)
        finally:
            _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        src = Path(template_url.removeprefix("sqlite:///"))
        dst = tmp_path / "handover.db"
        shutil.copyfile(src, dst)
        yield f"sqlite:///{dst}"


@pytest.fixture
def is_postgres() -> bool:
    """Whether this run is on PostgreSQL."""
    return PG_URL is not None


@pytest.fixture
def settings(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a test instance; its audit key and anchors live in the test's folder."""
    # In the environment too, so a `handover` command the test starts signs with the same key.
    monkeypatch.setenv("HANDOVER_AUDIT_KEY_FILE", str(tmp_path / "audit-keys"))
    monkeypatch.setenv("HANDOVER_AUDIT_ANCHOR_FILE", str(tmp_path / "audit-anchors.jsonl"))
    return Settings(database_url=db_url, environment="test", scheduler_enabled=False)


@pytest.fixture
def clock() -> FrozenClock:
    """The injected clock, frozen at a Wednesday morning."""
    return FrozenClock(START)


@pytest.fixture
def app_client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    """The application over HTTP, in process."""
    app = create_app(settings, clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    """Alias: the in-process HTTP client."""
    return app_client


@pytest.fixture
def db(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """A session factory on the test database, for setup and for looking behind the API."""
    engine = make_engine(settings)
    yield make_sessionmaker(engine)
    engine.dispose()


class MakeUser(Protocol):
    """The make_user fixture: create a user with roles, get headers carrying its token."""

    def __call__(self, name: str, *roles: str, email: str | None = None) -> dict[str, str]: ...


@pytest.fixture
def make_user(db: sessionmaker[Session], clock: FrozenClock) -> MakeUser:
    """Create a user with roles; returns request headers carrying a fresh token."""

    def make(name: str, *roles: str, email: str | None = None) -> dict[str, str]:
        with db.begin() as session:
            user = auth.create_user(
                session=session, name=name, roles=roles, now=clock.now(), email=email
            )
            token = auth.issue_token(session=session, user=user, now=clock.now())
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def pm(make_user: MakeUser) -> dict[str, str]:
    """Headers of a programme manager."""
    return make_user("priya", "programme_manager", email="priya@example.gov.uk")


@pytest.fixture
def sro(make_user: MakeUser) -> dict[str, str]:
    """Headers of a senior responsible owner."""
    return make_user("sam", "senior_responsible_owner", email="sam@example.gov.uk")


@pytest.fixture
def viewer(make_user: MakeUser) -> dict[str, str]:
    """Headers of a read-only user."""
    return make_user("vic", "viewer")
