"""My work: the signed-in user's home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.deps import WebCtx, WebUser, render
from app.work import service

router = APIRouter(include_in_schema=False)


@router.get("/")
def my_work(request: Request, user: WebUser, ctx: WebCtx) -> HTMLResponse:
    """What the signed-in user can act on now, and the deadlines coming up."""
    work = service.my_work(ctx)
    return render(
        request,
        "home.html",
        user,
        title="My work",
        work=work,
        banner_days=service.BANNER_DAYS,
        today=ctx.clock.today(),
    )
