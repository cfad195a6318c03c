"""The web frontend: GOV.UK Design System pages over the same services as the API."""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from app.errors import DomainError
from app.web import auth_pages, docs_page, pages
from app.web.deps import SignInRequired, get_optional_user, render, sign_in_redirect
from app.web.security import SecurityHeaders
from app.web.templating import ASSETS

_NOT_PAGES = ("/api/", "/healthz", "/docs", "/redoc", "/openapi.json", "/assets/")


def install(app: FastAPI) -> None:
    """Add the pages, /assets, the security headers and the HTML error pages to the app."""
    app.include_router(auth_pages.router)
    app.include_router(docs_page.router)
    app.include_router(pages.router)
    # check_dir=False: without node/npm nothing is built and the pages are served unstyled.
    app.mount("/assets", StaticFiles(directory=ASSETS, check_dir=False), name="assets")
    app.add_middleware(SecurityHeaders)
    json_handler = app.exception_handlers[DomainError]

    async def domain_error(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(_NOT_PAGES) or not isinstance(exc, DomainError):
            answer = json_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        return render(
            request,
            "error.html",
            get_optional_user(request),
            status_code=exc.status_code,
            title=_TITLES.get(exc.status_code, "Something is wrong with that request"),
            detail=exc.detail,
        )

    async def sign_in_required(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return sign_in_redirect(exc.next_path)

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(SignInRequired, sign_in_required)


_TITLES = {
    403: "You cannot do that",
    404: "Page not found",
    409: "Someone else changed this",
    422: "That cannot be done yet",
}
