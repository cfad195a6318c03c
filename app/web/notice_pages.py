"""Notifications and reminders: my in-app notices, and for overseers failed reminders to requeue.

Every read and write goes through the reminders API's own route functions (called, not over
HTTP), so the page shows what the API would and refuses what it refuses: the redaction of
recipients, the requeue permission and its 403/404/409 are decided there, once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.cases.service import Ctx
from app.errors import DomainError
from app.params import IdPath
from app.reminders import router as reminders_api
from app.web.deps import CheckedForm, WebCtx, WebUser, render, see_other
from app.web.signin import SignedIn

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
PageCursor = Annotated[str | None, Query(max_length=9, pattern=r"^[0-9]+$")]


def _page(
    request: Request,
    user: SignedIn,
    ctx: Ctx,
    *,
    cursor: str | None = None,
    unread: bool = False,
    errors: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    notices = reminders_api.list_notifications(
        ctx.session, ctx.actor, unread=unread, limit=PAGE_SIZE, cursor=cursor
    )
    overseer = ctx.actor.has_any(reminders_api.OVERSEERS)
    status = reminders_api.reminders_status(ctx.session, ctx.actor) if overseer else None
    failed = (
        reminders_api.list_reminders(
            ctx.session,
            ctx.actor,
            status="failed",
            deadline_id=None,
            contract_id=None,
            channel=None,
            limit=100,
            cursor=None,
        ).items
        if overseer
        else []
    )
    return render(
        request,
        "notifications.html",
        user,
        status_code=status_code,
        errors=errors,
        title="Notifications and reminders",
        notices=notices,
        unread=unread,
        status=status,
        failed=failed,
    )


@router.get("/notifications")
def notifications(
    request: Request,
    user: WebUser,
    ctx: WebCtx,
    cursor: PageCursor = None,
    unread: bool = False,
) -> HTMLResponse:
    """My in-app notifications, newest first; for overseers, the reminders' delivery status."""
    return _page(request, user, ctx, cursor=cursor, unread=unread)


@router.post("/notifications/{notification_id}/read", response_model=None)
def read_one(notification_id: IdPath, ctx: WebCtx, _form: CheckedForm) -> Response:
    """Mark one of my notifications read (anyone else's is a 404, as in the API)."""
    reminders_api.read_notification(notification_id, ctx.session, ctx.actor, ctx.clock)
    return see_other("/notifications")


@router.post("/notifications/read-all", response_model=None)
def read_all(ctx: WebCtx, _form: CheckedForm) -> Response:
    """Mark every unread notification of mine read, one by one through the API's rule."""
    while True:
        page = reminders_api.list_notifications(
            ctx.session, ctx.actor, unread=True, limit=500, cursor=None
        )
        for notice in page.items:
            reminders_api.read_notification(notice.id, ctx.session, ctx.actor, ctx.clock)
        if page.next is None:
            return see_other("/notifications")


@router.post("/reminders/{reminder_id}/requeue", response_model=None)
def requeue(
    request: Request, reminder_id: IdPath, user: WebUser, ctx: WebCtx, _form: CheckedForm
) -> Response:
    """Queue a failed reminder again; a refusal is shown on the page with its reason."""
    try:
        with ctx.session.begin_nested():
            reminders_api.requeue_reminder(reminder_id, ctx.session, ctx.actor, ctx.clock)
    except DomainError as exc:
        if exc.status_code == 403:
            raise  # a forged post gets the same 403 page as any other refused action
        text = exc.detail[:1].upper() + exc.detail[1:]
        errors = [{"text": text, "href": f"#reminder-{reminder_id}"}]
        return _page(request, user, ctx, errors=errors, status_code=exc.status_code)
    return see_other("/notifications#failed")
