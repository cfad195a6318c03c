"""Audit: search events by case, actor and date; export them as CSV; verify the chain."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from app.audit import router as audit_api
from app.audit import service as audit
from app.cases.service import Ctx
from app.errors import Unprocessable
from app.web import queries
from app.web.deps import CheckedForm, WebCtx, WebUser, render
from app.web.signin import SignedIn

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=100)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]


def _filters(
    case_id: str, actor: str, since: str, until: str, errors: dict[str, str]
) -> dict[str, Any]:
    """The GET form's text as the audit service's filters; bad values become field errors."""
    found: dict[str, Any] = {"actor": actor.strip() or None}
    case_id = case_id.strip()
    if case_id and not (case_id.isdigit() and 0 < int(case_id) < 2**31):
        errors["case_id"] = "Case number must be a whole number, like 12"
    found["case_id"] = int(case_id) if case_id and "case_id" not in errors else None
    for key, label, shift in (("since", "From", 0), ("until", "To", 1)):
        text = (since if key == "since" else until).strip()
        day = _day(text, label, key, errors)
        # Dates are whole UTC days: "to 3 December" includes all of 3 December.
        found[key] = datetime.combine(day + timedelta(days=shift), time(), UTC) if day else None
    return found


def _day(text: str, label: str, key: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = f"{label} must be a real date, like 2026-12-03"
        return None


def _search_page(
    request: Request,
    user: SignedIn,
    ctx: Ctx,
    form: dict[str, str],
    page: int,
    verified: Any = None,
) -> HTMLResponse:
    errors: dict[str, str] = {}
    filters = _filters(form["case_id"], form["actor"], form["since"], form["until"], errors)
    rows, total = queries.audit_page(ctx.session, filters, page) if not errors else ([], 0)
    query = {k: v for k, v in form.items() if v}
    pages = queries.page_count(total)
    return render(
        request,
        "audit.html",
        user,
        status_code=422 if errors else 200,
        errors=[{"text": t, "href": f"#{k}"} for k, t in errors.items()],
        field_errors=errors,
        title="Audit",
        events=rows,
        total=total,
        page=page,
        pages=pages,
        form=form,
        link=lambda **more: "/audit?" + urlencode({**query, **more}),
        csv_link="/audit.csv" + (f"?{urlencode(query)}" if query else ""),
        names=queries.display_names(ctx.session, {e.actor for e in rows}),
        verified=verified,
    )


@router.get("/audit")
def audit_search(
    request: Request,
    user: WebUser,
    ctx: WebCtx,
    case_id: Text = "",
    actor: Text = "",
    since: Text = "",
    until: Text = "",
    page: PageNo = 1,
) -> HTMLResponse:
    """Audit events filtered by a GET form (shareable URL), newest first, paginated."""
    form = {"case_id": case_id, "actor": actor, "since": since, "until": until}
    return _search_page(request, user, ctx, form, page)


@router.get("/audit.csv", response_model=None)
def audit_csv(
    user: WebUser,
    ctx: WebCtx,
    case_id: Text = "",
    actor: Text = "",
    since: Text = "",
    until: Text = "",
) -> StreamingResponse:
    """Every matching event as CSV, by the API's own export (the same columns and order)."""
    errors: dict[str, str] = {}
    filters = _filters(case_id, actor, since, until, errors)
    if errors:
        raise Unprocessable("; ".join(errors.values()), code="invalid_filter")
    export = audit_api.list_events(
        ctx.session,
        user.actor,
        case_id=filters.get("case_id"),
        contract_id=None,
        actor=filters.get("actor"),
        action=None,
        since=filters.get("since"),
        until=filters.get("until"),
        format="csv",
        limit=1,
        cursor=None,
    )
    assert isinstance(export, StreamingResponse)
    return export


@router.post("/audit/verify")
def audit_verify(request: Request, user: WebUser, ctx: WebCtx, _form: CheckedForm) -> HTMLResponse:
    """Recompute the audit chain against its anchors and show the result on the audit page."""
    result = audit.verify(session=ctx.session)
    form = {"case_id": "", "actor": "", "since": "", "until": ""}
    return _search_page(request, user, ctx, form, 1, verified=result)
