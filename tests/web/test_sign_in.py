"""Signing in and out: cookie flags, CSRF, Origin, throttling, server-side sign-out."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.web.models import WebSession
from app.web.signin import MAX_FAILURES_PER_USER
from tests.web.conftest import PASSWORD, csrf_of, sign_in


def test_pages_need_a_session_and_come_back_after_sign_in(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    web_user("priya", "programme_manager")
    response = client.get("/contracts?q=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/contracts%3Fq%3Dx"
    page = client.get("/sign-in?next=/contracts")
    done = client.post(
        "/sign-in",
        data={
            "username": "priya",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "/contracts",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/contracts"


def test_session_cookie_flags(client: TestClient, web_user: Callable[..., str]) -> None:
    web_user("priya", "programme_manager")
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"username": "priya", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("handover_session=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" in flags  # the test settings are not development


def test_open_redirects_are_refused(client: TestClient, web_user: Callable[..., str]) -> None:
    web_user("priya", "programme_manager")
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={
            "username": "priya",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_wrong_password_is_one_message_and_keeps_the_name(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    web_user("priya", "programme_manager")
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"username": "priya", "password": "wrong", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 401
    assert "<title>Error: Sign in" in response.text
    assert "Enter a correct username and password." in response.text
    assert 'value="priya"' in response.text
    assert 'href="#username"' in response.text  # the error summary links to the field


def test_failed_sign_ins_are_throttled_per_user(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    web_user("priya", "programme_manager")
    token = csrf_of(client.get("/sign-in").text)
    for _ in range(MAX_FAILURES_PER_USER):
        bad = {"username": "priya", "password": "wrong", "csrf_token": token}
        assert client.post("/sign-in", data=bad).status_code == 401
    good = {"username": "priya", "password": PASSWORD, "csrf_token": token}
    refused = client.post("/sign-in", data=good)
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.text


def test_sign_in_form_needs_its_token_and_our_origin(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    web_user("priya", "programme_manager")
    token = csrf_of(client.get("/sign-in").text)
    form = {"username": "priya", "password": PASSWORD}
    assert client.post("/sign-in", data=form).status_code == 403
    assert client.post("/sign-in", data={**form, "csrf_token": "x" * 32}).status_code == 403
    foreign = client.post(
        "/sign-in",
        data={**form, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403


def test_forms_need_the_session_csrf_token(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    web_user("priya", "programme_manager")
    sign_in(client, "priya")
    assert client.post("/sign-out", data={}).status_code == 403
    assert client.post("/sign-out", data={"csrf_token": "nope"}).status_code == 403
    token = csrf_of(client.get("/").text)
    refused = client.post(
        "/sign-out", data={"csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert refused.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200  # still signed in


def test_sign_out_ends_the_session_server_side(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    web_user("priya", "programme_manager")
    sign_in(client, "priya")
    cookie = client.cookies["handover_session"]
    token = csrf_of(client.get("/").text)
    out = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("handover_session", cookie)  # a copied cookie is worthless now
    assert client.get("/", follow_redirects=False).status_code == 303
    with db() as session:
        row = session.scalars(select(WebSession)).one()
        assert row.revoked_at is not None
        actions = session.scalars(select(AuditEvent.action)).all()
    assert {"user.signed_in", "user.signed_out"} <= set(actions)
