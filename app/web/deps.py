"""What every page needs: the signed-in user, the checked form, and rendering."""

from __future__ import annotations

import hmac
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from app.auth.deps import ClockDep, SettingsDep
from app.cases.deps import RegistryDep
from app.cases.service import Ctx
from app.db.session import SessionDep
from app.errors import Forbidden
from app.web import signin
from app.web.signin import SignedIn
from app.web.templating import templates

COOKIE = "handover_session"


class SignInRequired(Exception):
    """No live session: the handler sends the browser to the sign-in page, then back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def client_address(request: Request) -> str:
    """The peer's address, for throttling and the session record."""
    return request.client.host if request.client else "unknown"


def get_signed_in(request: Request, session: SessionDep, clock: ClockDep) -> SignedIn:
    """The user signed in by the session cookie, or a redirect to the sign-in page."""
    token = request.cookies.get(COOKIE)
    found = signin.current(session=session, token=token, now=clock.now()) if token else None
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method == "GET" else "/")
    request.state.signed_in = found  # for the error pages, which have no session
    return found


def get_optional_user(request: Request) -> SignedIn | None:
    """The user this request already found signed in, if any (error pages)."""
    found: SignedIn | None = getattr(request.state, "signed_in", None)
    return found


WebUser = Annotated[SignedIn, Depends(get_signed_in)]


def same_origin(request: Request) -> bool:
    """Whether the request's Origin (or, lacking it, Referer) is this site, when sent."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent:
        return True  # not a browser; the CSRF token is still required
    if sent == "null":
        return False  # an opaque origin (sandboxed frame, data: URL) is never ours
    parts = urlsplit(sent)
    return f"{parts.scheme}://{parts.netloc}" == f"{request.url.scheme}://{request.url.netloc}"


async def checked_form(request: Request, user: WebUser) -> FormData:
    """The posted form, after the Origin check and the session's CSRF token (constant time)."""
    if not same_origin(request):
        raise Forbidden("this form was sent from another site", code="bad_origin")
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, user.csrf_token):
        raise Forbidden("the form's security token is missing or wrong", code="bad_csrf")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def web_ctx(
    session: SessionDep,
    registry: RegistryDep,
    clock: ClockDep,
    user: WebUser,
    settings: SettingsDep,
) -> Ctx:
    """The same context the API's case operations take, for the signed-in user."""
    return Ctx(session=session, registry=registry, clock=clock, actor=user.actor, settings=settings)


WebCtx = Annotated[Ctx, Depends(web_ctx)]


def render(
    request: Request,
    name: str,
    user: SignedIn | None,
    *,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page: the template with the nonce, the user, the CSRF token and any error summary."""
    context.update(
        request=request,
        user=user,
        csrf_token=user.csrf_token if user else "",
        csp_nonce=getattr(request.state, "csp_nonce", ""),
        errors=errors or [],
        path=request.url.path,
    )
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def see_other(path: str) -> RedirectResponse:
    """The redirect after a successful POST (never resubmitted by reload)."""
    return RedirectResponse(path, status_code=303)


def sign_in_redirect(next_path: str) -> RedirectResponse:
    """To the sign-in page, remembering where to come back to."""
    return RedirectResponse(f"/sign-in?next={quote(next_path, safe='/')}", status_code=303)
