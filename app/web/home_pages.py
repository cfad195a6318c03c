"""My work: the signed-in user's home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.deps import WebCtx, WebUser, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def my_work(request: Request, user: WebUser, _ctx: WebCtx) -> HTMLResponse:
    """The cases and deadlines of the signed-in user."""
    return render(request, "home.html", user, title="My work")
