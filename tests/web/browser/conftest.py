"""Real Chromium (Debian's, through Playwright) against a real uvicorn server in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.error import URLError

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from app.auth import service as auth
from app.config import ROOT, Settings
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.web import signin
from tests.conftest import PG_URL, _pg_db_url, _pg_exec

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts" / "screens"
PASSWORD = "browser test password"
PEOPLE = {
    "priya": ("Priya Shah", ["programme_manager"]),
    "pat": ("Pat Okafor", ["programme_manager", "service_owner"]),
    "sam": ("Sam Lee", ["senior_responsible_owner"]),
    "dana": ("Dana Wright", ["programme_manager", "senior_responsible_owner"]),
    "vic": ("Vic Jones", ["viewer"]),
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

pytestmark = pytest.mark.browser


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {what}")
    pytest.skip(what)


@dataclass
class Server:
    """A running Handover and where it is."""

    base: str
    log: Path
    url: str = ""
    """The server's database, for seeding what no page creates (a failed delivery)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            return bool(response.status == 200)
    except (URLError, ConnectionError):
        return False


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Handover on a fresh SQLite file, with one user per role, served by uvicorn."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'handover.db'}"
    pg_name = f"handover_browser_{os.getpid()}"
    if PG_URL:  # the PostgreSQL run drives the browser against PostgreSQL too
        _pg_exec(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        _pg_exec(f'CREATE DATABASE "{pg_name}"')
        url = _pg_db_url(pg_name)
    upgrade(url)
    engine = make_engine(Settings(database_url=url))
    now = datetime.now(UTC)
    with make_sessionmaker(engine).begin() as session:
        for name, (display, roles) in PEOPLE.items():
            auth.create_user(session=session, name=name, display_name=display, roles=roles, now=now)
            signin.set_password(session=session, name=name, password=PASSWORD, now=now)
    engine.dispose()
    try:
        with serve(url, folder) as running:
            yield running
    finally:
        if PG_URL:
            _pg_exec(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


@contextmanager
def serve(url: str, folder: Path) -> Iterator[Server]:
    """uvicorn serving Handover on the database, until the block ends."""
    port = _free_port()
    log = folder / "server.log"
    env = {
        **os.environ,
        "HANDOVER_DATABASE_URL": url,
        "HANDOVER_ENVIRONMENT": "development",  # plain http on 127.0.0.1: no Secure cookie
        "HANDOVER_SCHEDULER_ENABLED": "false",
    }
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(base):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)  # a real server starting in another process: no clock to inject
        yield Server(base, log, url)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright cannot download its own browsers here)."""
    if not CHROMIUM.exists():
        _missing("needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    yield browser
    browser.close()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def javascript(request: pytest.FixtureRequest) -> bool:
    """Each browser test runs with JavaScript on and off."""
    return bool(request.param)


class Csp:
    """Console messages saying the Content-Security-Policy refused something."""

    def __init__(self, page: Page) -> None:
        self.refused: list[str] = []
        page.on("console", self._seen)

    def _seen(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.refused.append(message.text)


def new_page(browser: Browser, *, javascript: bool) -> tuple[Page, Csp]:
    """A fresh browser context (no cookies) and its CSP watcher."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    return page, Csp(page)


def sign_in(page: Page, base: str, name: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/sign-in" not in page.url, page.content()[:2000]


def sign_out(page: Page) -> None:
    """The header's sign-out button."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")


def axe(page: Page, *, javascript: bool = True) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA violations on the page (injected through DevTools, not the page).

    A context with JavaScript off cannot run axe: the same pages are checked with it on.
    """
    if not javascript:
        return []
    if not AXE.is_file():
        _missing("needs axe-core in node_modules (make assets)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:200] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


def screenshot(page: Page, name: str) -> None:
    """A picture of the page in the git-ignored artifacts folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def checked(page: Page, name: str, js: bool, violations: dict[str, object], *, prefix: str) -> None:
    """Screenshot the page as `prefix-name` and add axe's violations, if any, under `name`."""
    screenshot(page, f"{prefix}-{name}")
    found = axe(page, javascript=js)
    if found:
        violations[f"{name} {page.url}"] = found
