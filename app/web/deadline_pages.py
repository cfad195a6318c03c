"""Deadlines: twelve months as a picture and a table, filtered; waive or mark met with a reason."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.cases.schemas import Evidence as CaseEvidence
from app.deadlines import actions
from app.deadlines.models import DEADLINE_STATUSES, OPEN_STATUSES, Deadline
from app.deadlines.schemas import Resolution
from app.errors import DomainError
from app.params import IdPath
from app.web import contract_forms as forms
from app.web import deadline_queries, deadline_timeline, queries
from app.web.deps import CheckedForm, WebCtx, WebUser, render, see_other
from app.web.permissions import RESOLVERS, WAIVERS, may, require
from app.web.signin import SignedIn
from app.web.templating import day, humanise
from app.work import queries as work_queries

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]
DECISIONS = {"waive": ("waived", WAIVERS), "met": ("met", RESOLVERS)}
STATUS_TAGS = {
    "pending": "govuk-tag--blue",
    "missed": "govuk-tag--red",
    "met": "govuk-tag--green",
    "waived": "govuk-tag--purple",
}


@router.get("/deadlines")
def deadline_list(
    request: Request,
    user: WebUser,
    ctx: WebCtx,
    kind: Text = "",
    status: Text = "",
    until: Text = "",
    buyer: Text = "",
    tier: Text = "",
    sort: Text = "date",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The next twelve months of deadlines, filtered by a GET form, as a picture and a table."""
    kinds = deadline_queries.deadline_kinds(ctx.session)
    chosen_kind = kind if kind in kinds else ""
    chosen_status = status if status in DEADLINE_STATUSES else ""
    today = ctx.clock.today()
    start, end = deadline_timeline.window(today)
    errors: dict[str, str] = {}
    last = _until(until, start, end, errors)
    chosen_tier = forms.tier_filter(tier, errors)
    if last is not None:
        end = last + timedelta(days=1)  # the window's end is exclusive; the horizon is not
    drawn, rows, total = deadline_queries.deadlines_window(
        ctx.session,
        start=start,
        end=end,
        kind=chosen_kind or None,
        status=chosen_status or None,
        page=page,
        page_size=queries.PAGE_SIZE,
        latest_first=sort == "-date",
        buyer=buyer.strip() or None,
        tier=chosen_tier,
    )
    chosen_sort = "-date" if sort == "-date" else ""
    filters = {"kind": chosen_kind, "status": chosen_status, "sort": chosen_sort}
    filters["until"] = last.isoformat() if last else ""
    filters |= {"buyer": buyer.strip(), "tier": str(chosen_tier or "")}
    query = {k: v for k, v in filters.items() if v}
    here = "/deadlines" + (f"?{urlencode({**query, 'page': page})}" if query or page > 1 else "")
    return render(
        request,
        "deadlines.html",
        user,
        status_code=422 if errors else 200,
        errors=forms.summary(errors),
        field_errors=errors,
        title="Deadlines",
        timeline=deadline_timeline.build(drawn, today, total),
        deadlines=rows,
        labels=_labels(ctx, rows),
        unverified=actions.unverified_ids(ctx.session, rows),
        tags=STATUS_TAGS,
        total=total,
        page=page,
        pages=queries.page_count(total),
        link=lambda n: "/deadlines?" + urlencode({**query, "page": n}),
        kinds=kinds,
        statuses=DEADLINE_STATUSES,
        filters=filters,
        sort_link="/deadlines?" + urlencode({**query, "sort": "date" if chosen_sort else "-date"}),
        back=urlencode({"back": here}),
    )


def _until(value: str, start: date, end: date, errors: dict[str, str]) -> date | None:
    """The last day shown (the portfolio's 90-day horizon), within the twelve months drawn."""
    if not value:
        return None
    try:
        last = date.fromisoformat(value)
    except ValueError:
        errors["until"] = "Up to must be a real date, like 2027-03-31"
        return None
    if not start <= last < end:
        errors["until"] = (
            f"Up to must be a date from {day(start)} to {day(end - timedelta(days=1))}"
        )
        return None
    return last


def _labels(ctx: WebCtx, rows: list[Deadline]) -> dict[int, str]:
    return work_queries.contract_titles(ctx.session, {d.contract_id for d in rows if d.contract_id})


def _back(value: str) -> str:
    """Where "Back to deadlines" goes: only ever the Deadlines list (never another site)."""
    return value if value == "/deadlines" or value.startswith("/deadlines?") else "/deadlines"


def _detail(
    request: Request,
    user: SignedIn,
    ctx: WebCtx,
    deadline: Deadline,
    *,
    back: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    errors = errors or {}
    is_open = deadline.status in OPEN_STATUSES
    can = {
        "waive": is_open and may(user.actor, WAIVERS),
        "met": is_open and may(user.actor, RESOLVERS),
    }
    return render(
        request,
        "deadline.html",
        user,
        status_code=status_code,
        # A refused form the page no longer offers (resolved meanwhile, or not the user's to
        # take) links its error to the deadline's status instead.
        errors=[
            {"text": text, "href": f"#{field}" if _offered(field, can) else "#status"}
            for field, text in errors.items()
        ],
        field_errors=errors,
        values=values or {},
        title=f"{humanise(deadline.kind)}, {day(deadline.date)}",
        deadline=deadline,
        contract_label=_labels(ctx, [deadline]).get(deadline.contract_id or 0, ""),
        tags=STATUS_TAGS,
        can_waive=can["waive"],
        can_meet=can["met"],
        waivers=sorted(WAIVERS),
        resolvers=sorted(RESOLVERS),
        back=_back(back),
    )


def _offered(field: str, can: dict[str, bool]) -> bool:
    return can.get(field.split("_", 1)[0], False)  # waive_reason, met_evidence_url, ...


@router.get("/deadlines/{deadline_id}")
def deadline_page(
    request: Request, deadline_id: IdPath, user: WebUser, ctx: WebCtx, back: Text = ""
) -> HTMLResponse:
    """One deadline: what it is, whose it is, its resolution, and the forms to resolve it."""
    deadline = actions.get_deadline(session=ctx.session, deadline_id=deadline_id)
    return _detail(request, user, ctx, deadline, back=back)


@router.post("/deadlines/{deadline_id}/waive", response_model=None)
def waive_deadline(
    request: Request, deadline_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Waive a deadline with a reason, as POST /api/deadlines/{id}/waive does."""
    return _decide(request, deadline_id, "waive", user, ctx, form)


@router.post("/deadlines/{deadline_id}/met", response_model=None)
def meet_deadline(
    request: Request, deadline_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Record a deadline as met with a reason, as POST /api/deadlines/{id}/met does."""
    return _decide(request, deadline_id, "met", user, ctx, form)


def _decide(
    request: Request,
    deadline_id: int,
    decision: str,
    user: SignedIn,
    ctx: WebCtx,
    form: FormData,
) -> Response:
    """Resolve through the API's service; a refusal comes back as an error summary."""
    deadline = actions.get_deadline(session=ctx.session, deadline_id=deadline_id)
    status, roles = DECISIONS[decision]
    field = f"{decision}_reason"
    values = {k: str(form.get(k) or "") for k in (field, *_evidence_fields(decision))}
    back = _back(str(form.get("back") or ""))
    try:
        require(user.actor, roles)
        evidence = _evidence(decision, values)
        body = Resolution.model_validate({"reason": values[field], "evidence": evidence})
        with ctx.session.begin_nested():
            actions.resolve(
                session=ctx.session,
                deadline=deadline,
                status=status,
                actor=ctx.actor,
                reason=body.reason,
                now=ctx.clock.now(),
                evidence=[e.model_dump(exclude_none=True) for e in body.evidence],
            )
    except BadLink:
        field, code = f"{decision}_evidence_url", 422
        message = "Enter the evidence link as a web address starting https:// or http://"
    except ValidationError:
        verb = "waiving it" if decision == "waive" else "marking it met"
        message = f"Enter your reason for {verb}"
        code = 422
    except DomainError as exc:
        message, code = exc.detail[:1].upper() + exc.detail[1:], exc.status_code
    else:
        return see_other(f"/deadlines/{deadline.id}?{urlencode({'back': back})}")
    return _detail(
        request,
        user,
        ctx,
        deadline,
        back=back,
        errors={field: message},
        values=values,
        status_code=code,
    )


class BadLink(ValueError):
    """The evidence link is not a web address someone else can open."""


def _evidence_fields(decision: str) -> tuple[str, str]:
    return f"{decision}_evidence_title", f"{decision}_evidence_url"


def _evidence(decision: str, values: dict[str, str]) -> list[dict[str, str]]:
    """The optional evidence link, checked as the case forms check theirs (http or https)."""
    title_field, url_field = _evidence_fields(decision)
    title, url = values[title_field].strip(), values[url_field].strip()
    if not title and not url:
        return []
    try:
        link = CaseEvidence.model_validate({"title": title or "Evidence", "url": url})
    except ValidationError:
        raise BadLink(url) from None
    return [{"title": link.title, "url": link.url}]
