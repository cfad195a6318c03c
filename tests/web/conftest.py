"""Web fixtures: users with passwords, and a signed-in TestClient."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.auth import service as auth
from app.clock import FrozenClock
from app.config import Settings
from app.main import create_app
from app.web import signin

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


@pytest.fixture
def client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    """The application over HTTPS in process: the test settings mark cookies Secure."""
    app = create_app(settings, clock)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def web_user(db: sessionmaker[Session], clock: FrozenClock) -> Callable[..., str]:
    """Create a user with roles and the test password; returns the name."""

    def make(name: str, *roles: str) -> str:
        with db.begin() as session:
            auth.create_user(session=session, name=name, roles=roles, now=clock.now())
            signin.set_password(session=session, name=name, password=PASSWORD, now=clock.now())
        return name

    return make


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    """Sign the client in through the real form; fails the test if that does not work."""
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"username": name, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client
