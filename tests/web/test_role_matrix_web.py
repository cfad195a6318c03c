"""Every web route x signed out and every role (issue 13's matrix, the web half).

WEB_MATRIX names each page and form and who may use it: PUBLIC (no session needed), ANY
(every signed-in role), a set of roles (403 for anyone else), or IN_ENDPOINT where the rule
needs the resource (a transition's roles, the reminder's owner) and its own tests cover it.
Signed out, a page sends the browser to sign in and a form post is refused; signed in, a
post without the session's CSRF token (or with a wrong one) is refused. A new web route
without a row fails `test_every_web_route_has_a_row`, as the API half does in
tests/test_role_matrix.py. One app and one database serve the whole module (it is fast).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from app.auth import service as auth
from app.auth.roles import Role
from app.clock import FrozenClock
from app.config import Settings
from app.db.session import make_engine, make_sessionmaker
from app.deadlines.models import Deadline
from app.main import create_app
from app.openapi import api_routes
from app.web import signin
from app.web.deps import COOKIE
from tests.conftest import START, cloned_database
from tests.test_role_matrix import ANY, EDITORS, IN_ENDPOINT, RESOLVERS
from tests.web.conftest import CONTRACT, PASSWORD

PUBLIC = "no session needed"
OPENERS = frozenset({"programme_manager"})
DECOMPOSERS = frozenset({"programme_manager", "service_owner"})
WAIVERS = frozenset({"senior_responsible_owner", "programme_manager"})
WEB_MATRIX: dict[tuple[str, str], object] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/sign-in"): PUBLIC,
    ("POST", "/sign-in"): PUBLIC,  # its CSRF token is the sign-in form's own cookie
    ("GET", "/docs"): PUBLIC,
    ("POST", "/sign-out"): ANY,
    ("GET", "/"): ANY,
    ("GET", "/portfolio"): ANY,
    ("GET", "/portfolio.csv"): ANY,
    ("GET", "/contracts"): ANY,
    ("GET", "/contracts/new"): EDITORS,
    ("POST", "/contracts/new"): EDITORS,
    ("GET", "/contracts/{contract_id}"): ANY,
    ("GET", "/contracts/{contract_id}/edit"): EDITORS,
    ("POST", "/contracts/{contract_id}/edit"): EDITORS,
    ("POST", "/contracts/{contract_id}/cases"): OPENERS,
    ("POST", "/contracts/{contract_id}/terms/confirm"): EDITORS,
    ("GET", "/cases"): ANY,
    ("GET", "/cases/{case_id}"): ANY,
    ("POST", "/cases/{case_id}/transitions"): IN_ENDPOINT,
    ("POST", "/cases/{case_id}/components"): DECOMPOSERS,
    ("POST", "/cases/{case_id}/dependencies"): DECOMPOSERS,  # the API's Planner
    ("POST", "/cases/{case_id}/dependencies/{other_id}/remove"): DECOMPOSERS,
    ("POST", "/handover-tasks/{task_id}/owner"): RESOLVERS,  # the API's Worker
    ("POST", "/handover-tasks/{task_id}/complete"): RESOLVERS,
    ("GET", "/cases/{case_id}/history"): ANY,
    ("GET", "/cases/{case_id}/diagram"): ANY,
    ("GET", "/deadlines"): ANY,
    ("GET", "/deadlines/{deadline_id}"): ANY,
    ("POST", "/deadlines/{deadline_id}/waive"): WAIVERS,
    ("POST", "/deadlines/{deadline_id}/met"): RESOLVERS,
    ("GET", "/imports"): EDITORS,
    ("POST", "/imports"): EDITORS,
    ("GET", "/imports/history"): ANY,
    ("GET", "/notifications"): ANY,
    ("POST", "/notifications/{notification_id}/read"): IN_ENDPOINT,
    ("POST", "/notifications/read-all"): ANY,
    ("POST", "/reminders/{reminder_id}/requeue"): IN_ENDPOINT,
    ("GET", "/audit"): ANY,
    ("GET", "/audit.csv"): ANY,
    ("POST", "/audit/verify"): ANY,
}
ROLES = [r.value for r in Role]


@dataclass
class Site:
    """The module's one app, its client, each role's session and the ids the paths use."""

    app: FastAPI
    client: TestClient
    sessions: dict[str, tuple[str, str]]
    """Role -> (session cookie, CSRF token)."""
    ids: dict[str, int]

    def url(self, path: str) -> str:
        """The path with real ids, so a page a role may see answers 200."""
        return path.format(**self.ids)

    def send(self, method: str, path: str, role: str | None, **data: str) -> Response:
        """One request as the role (None: signed out), never following a redirect."""
        self.client.cookies.clear()  # only the session named here, never a leftover
        headers = {"Cookie": f"{COOKIE}={self.sessions[role][0]}"} if role else {}
        response: Response = self.client.request(  # TestClient types its result as Any
            method,
            self.url(path),
            headers=headers,
            data=data if method == "POST" else None,
            follow_redirects=False,
        )
        return response


def _sign_everyone_in(settings: Settings) -> dict[str, tuple[str, str]]:
    engine = make_engine(settings)
    out = {}
    with make_sessionmaker(engine).begin() as session:
        for role in ROLES:
            name = f"web_{role}"
            auth.create_user(session=session, name=name, roles=[role], now=START)
            signin.set_password(session=session, name=name, password=PASSWORD, now=START)
            token, who = signin.sign_in(
                session=session, username=name, password=PASSWORD, address="test", now=START
            )
            out[role] = (token, who.csrf_token)
    engine.dispose()
    return out


def _first_deadline(settings: Settings) -> int:
    engine = make_engine(settings)
    with make_sessionmaker(engine)() as session:
        found = session.scalar(select(Deadline.id).order_by(Deadline.id).limit(1))
    engine.dispose()
    assert found is not None
    return found


@pytest.fixture(scope="module")
def site(template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One app on one database for the module: a user per role, a contract, a case."""
    folder = tmp_path_factory.mktemp("web-matrix")
    with pytest.MonkeyPatch.context() as env, cloned_database(template_url, folder) as url:
        env.setenv("HANDOVER_AUDIT_KEY_FILE", str(folder / "audit-keys"))
        env.setenv("HANDOVER_AUDIT_ANCHOR_FILE", str(folder / "audit-anchors.jsonl"))
        settings = Settings(database_url=url, environment="test", scheduler_enabled=False)
        clock = FrozenClock(START + timedelta(minutes=1))  # the sessions are fresh
        app = create_app(settings, clock)
        with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
            s = Site(app, c, _sign_everyone_in(settings), {})
            csrf = s.sessions["programme_manager"][1]
            made = s.send(
                "POST", "/contracts/new", "programme_manager", csrf_token=csrf, **CONTRACT
            )
            assert made.status_code == 303, made.text
            contract_id = int(made.headers["location"].rsplit("/", 1)[1])
            s.ids.update(
                contract_id=contract_id, notification_id=1, reminder_id=1, other_id=1, task_id=1
            )
            case = s.send(
                "POST", f"/contracts/{contract_id}/cases", "programme_manager", csrf_token=csrf
            )
            assert case.status_code == 303, case.text
            s.ids.update(
                case_id=int(case.headers["location"].rsplit("/", 1)[1]),
                deadline_id=_first_deadline(settings),
            )
            yield s


def test_every_web_route_has_a_row(site: Site) -> None:
    routes = {
        (method, route.path_format)
        for route in api_routes(site.app)
        if not route.path_format.startswith("/api/")
        for method in route.methods
    }
    assert routes == set(WEB_MATRIX)


def test_signed_out_a_page_sends_the_browser_to_sign_in_and_a_form_is_refused(site: Site) -> None:
    for (method, path), rule in sorted(WEB_MATRIX.items()):
        res = site.send(method, path, None)
        if rule is PUBLIC:
            expected = 403 if method == "POST" else 200  # the sign-in post lacks its token
            assert res.status_code == expected, (method, path, res.text)
            continue
        assert res.status_code == 303, (method, path, res.text)
        back = site.url(path) if method == "GET" else "/"  # a post's form is lost anyway
        assert res.headers["location"] == f"/sign-in?next={quote(back, safe='/')}", path


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_each_page_as_the_matrix_says(site: Site, role: str) -> None:
    for (method, path), rule in sorted(WEB_MATRIX.items()):
        if method != "GET":
            continue
        res = site.send(method, path, role)
        if isinstance(rule, frozenset):
            may = role in rule or role == "admin"
            assert res.status_code == (200 if may else 403), (role, path, res.text[:300])
        else:
            assert res.status_code == 200, (role, path, res.text[:300])


@pytest.mark.parametrize("role", ROLES)
def test_a_form_without_the_sessions_csrf_token_is_refused(site: Site, role: str) -> None:
    other = site.sessions["admin" if role != "admin" else "viewer"][1]
    for (method, path), _rule in sorted(WEB_MATRIX.items()):
        if method != "POST":
            continue
        for token in ({}, {"csrf_token": ""}, {"csrf_token": other}):
            res = site.send(method, path, role, **token)
            assert res.status_code == 403, (role, path, token, res.text[:300])
    assert site.send("GET", "/", role).status_code == 200  # sign-out without it did nothing


@pytest.mark.parametrize("role", ROLES)
def test_a_form_outside_the_roles_is_refused_even_with_the_token(site: Site, role: str) -> None:
    csrf = site.sessions[role][1]
    for (method, path), rule in sorted(WEB_MATRIX.items()):
        if method == "POST" and isinstance(rule, frozenset) and role not in rule | {"admin"}:
            res = site.send(method, path, role, csrf_token=csrf)
            assert res.status_code == 403, (role, path, res.text[:300])
