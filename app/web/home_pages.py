"""My work: the signed-in user's home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.auth.roles import Role
from app.cases.models import Case
from app.cases.service import Ctx, definition_of
from app.web import queries
from app.web.deps import WebCtx, WebUser, render

router = APIRouter(include_in_schema=False)
BANNER_DAYS = 14


@dataclass(frozen=True)
class WorkItem:
    """An open case with what the user's roles let them do next in its state."""

    case: Case
    actions: list[str]
    assigned: bool


def urgency(due: date, today: date) -> tuple[str, str]:
    """A tag's text and colour class for a deadline's closeness."""
    days = (due - today).days
    if days < 0:
        return "Overdue", "govuk-tag--red"
    if days <= BANNER_DAYS:
        return f"Due in {days} day{'s' if days != 1 else ''}", "govuk-tag--orange"
    if days <= 30:
        return f"Due in {days} days", "govuk-tag--yellow"
    return f"Due in {days} days", "govuk-tag--grey"


def work_items(ctx: Ctx, limit: int = 50) -> list[WorkItem]:
    """Open cases where a transition from the current state is open to the user's roles."""
    roles = ctx.actor.roles
    items = []
    for case in queries.open_cases(ctx.session):
        defn = definition_of(ctx, case)
        actions = [
            t.title
            for t in defn.transitions
            if case.state in t.sources and (Role.admin in roles or not t.roles.isdisjoint(roles))
        ]
        assigned = case.assignee == ctx.actor.name
        if actions or assigned:
            items.append(WorkItem(case, actions, assigned))
    items.sort(key=lambda i: (not i.assigned, -i.case.updated_at.timestamp()))
    return items[:limit]


@router.get("/")
def my_work(request: Request, user: WebUser, ctx: WebCtx) -> HTMLResponse:
    """What the signed-in user can act on now, and the deadlines coming up."""
    today = ctx.clock.today()
    items = work_items(ctx)
    deadlines = queries.deadlines_due(ctx.session, today)
    labels = queries.contract_titles(
        ctx.session,
        {d.contract_id for d in deadlines if d.contract_id}
        | {i.case.contract_id for i in items if i.case.contract_id},
    )
    soon = [d for d in deadlines if 0 <= (d.date - today).days <= BANNER_DAYS]
    return render(
        request,
        "home.html",
        user,
        title="My work",
        items=items,
        deadlines=[(d, *urgency(d.date, today)) for d in deadlines],
        labels=labels,
        soon=soon,
        today=today,
    )
