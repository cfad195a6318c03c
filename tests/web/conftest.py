"""Web fixtures: users with passwords, and a signed-in TestClient."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response
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


def post_form(client: TestClient, url: str, data: dict[str, str]) -> Response:
    """Post a form as the signed-in browser would, with the session's CSRF token."""
    token = csrf_of(client.get("/").text)
    # TestClient's methods are typed as returning Any; they return an httpx Response.
    response: Response = client.post(
        url, data={"csrf_token": token, **data}, follow_redirects=False
    )
    return response


CONTRACT = {
    "reference": "WEB-001",
    "title": "Hosting and service desk",
    "buyer_name": "Department for Testing",
    "supplier_name": "Acme Outsourcing Ltd",
    "value_amount": "1200000",
    "start_date": "2024-04-01",
    "end_date": "2028-03-31",
    "max_end_date": "",
    "notice_period_days": "180",
    "tier": "2",
    "description": "",
}


def register(client: TestClient, **changes: str) -> int:
    """Register a contract through the web form; its id."""
    response = post_form(client, "/contracts/new", {**CONTRACT, **changes})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])
