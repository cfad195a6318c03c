"""Cases: a list filtered by workflow and state (where the portfolio's waiting approvals lead)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.web import case_queries, queries
from app.web import contract_forms as forms
from app.web.deps import WebCtx, WebUser, render
from app.work import queries as work_queries

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]


def _chosen(
    ctx: WebCtx, workflow: str, state: str, errors: dict[str, str]
) -> tuple[str | None, str | None]:
    """The workflow and state asked for, if the current definitions know them."""
    current = ctx.registry.current
    if workflow and workflow not in current:
        errors["workflow"] = "Workflow must be one of " + ", ".join(sorted(current))
        return None, None
    if state and not workflow:
        errors["state"] = "Choose a workflow to filter by its state"
        return None, None
    if state and state not in current[workflow].states:
        errors["state"] = f"State must be a state of the {workflow} workflow"
        return workflow, None
    return workflow or None, state or None


@router.get("/cases")
def case_list(
    request: Request,
    user: WebUser,
    ctx: WebCtx,
    workflow: Text = "",
    state: Text = "",
    buyer: Text = "",
    tier: Text = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Cases by id, narrowed to a workflow and one of its states (and the contract's buyer
    and tier, as a filtered portfolio links them), page by page."""
    errors: dict[str, str] = {}
    wf, st = _chosen(ctx, workflow, state, errors)
    t = forms.tier_filter(tier, errors)
    size = queries.PAGE_SIZE
    rows, total = case_queries.cases_page(
        ctx.session,
        workflow=wf,
        state=st,
        buyer=buyer.strip() or None,
        tier=t,
        page=page,
        page_size=size,
    )
    kept = {"workflow": wf or "", "state": st or "", "buyer": buyer.strip(), "tier": tier}
    query = {k: v for k, v in kept.items() if v}
    labels = work_queries.contract_titles(
        ctx.session, {c.contract_id for c in rows if c.contract_id}
    )
    return render(
        request,
        "cases.html",
        user,
        status_code=422 if errors else 200,
        errors=forms.summary(errors),
        field_errors=errors,
        title="Cases",
        cases=rows,
        labels=labels,
        total=total,
        page=page,
        pages=queries.page_count(total),
        link=lambda n: "/cases?" + urlencode({**query, "page": n}),
        workflows=sorted(ctx.registry.current),
        states=sorted(ctx.registry.current[wf].states) if wf else [],
        filters=kept,
    )
