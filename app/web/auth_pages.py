"""Sign in and sign out."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.deps import ClockDep
from app.db.session import SessionDep
from app.errors import Forbidden
from app.web import signin
from app.web.deps import COOKIE, CheckedForm, WebUser, client_address, render, same_origin
from app.web.portfolio_pages import landing
from app.web.signin import SignInRefused

router = APIRouter(include_in_schema=False)
SIGNIN_COOKIE = "handover_signin"


def _safe_next(value: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.environment != "development")


def _form_page(
    request: Request, *, next_path: str, username: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    # Login CSRF: the form carries a token that must match a cookie only this site can set.
    token = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
    errors = [{"text": error, "href": "#username"}] if error else []
    response = render(
        request,
        "sign_in.html",
        None,
        status_code=status,
        errors=errors,
        title="Sign in",
        next=next_path,
        username=username,
        error=error,
        signin_csrf=token,
    )
    response.set_cookie(
        SIGNIN_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), max_age=3600
    )
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The sign-in form."""
    return _form_page(request, next_path=_safe_next(next))


@router.post("/sign-in", response_model=None)
def sign_in(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password; on success a session cookie and back to where the user was."""
    expected = request.cookies.get(SIGNIN_COOKIE, "")
    if not same_origin(request) or not expected or not hmac.compare_digest(csrf_token, expected):
        raise Forbidden("the sign-in form's security token is missing or wrong", code="bad_csrf")
    next_path = _safe_next(next)
    if not username.strip() or not password:
        return _form_page(
            request,
            next_path=next_path,
            username=username,
            error="Enter your username and password.",
            status=422,
        )
    try:
        token, found = signin.sign_in(
            session=session,
            username=username,
            password=password,
            address=client_address(request),
            now=clock.now(),
        )
    except SignInRefused as exc:
        return _form_page(
            request,
            next_path=next_path,
            username=username,
            error=exc.message,
            status=429 if exc.throttled else 401,
        )
    if next_path == "/":  # no page asked for: each role lands where its work is
        next_path = landing(found.actor.roles)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(signin.ABSOLUTE_TIMEOUT.total_seconds()),
    )
    response.delete_cookie(SIGNIN_COOKIE)
    return response


@router.post("/sign-out")
def sign_out(
    request: Request, session: SessionDep, clock: ClockDep, user: WebUser, _form: CheckedForm
) -> RedirectResponse:
    """End the session server-side and drop the cookie."""
    signin.sign_out(session=session, signed_in=user, now=clock.now())
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=_secure(request))
    return response
