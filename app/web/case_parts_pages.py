"""The case page's dependency and handover checklist forms: thin routes over the API's services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app.cases import dependencies
from app.cases import service as cases
from app.cases.models import Case
from app.cases.service import Ctx
from app.errors import DomainError
from app.handover import service as handover
from app.handover.models import HandoverTask
from app.params import IdPath
from app.web.case_pages import error_list, render_case, render_refused
from app.web.case_parts import PLANNERS, WORKERS, Posted, read_completion, read_owner, version_of
from app.web.deps import CheckedForm, WebCtx, WebUser, see_other
from app.web.permissions import require
from app.web.signin import SignedIn

router = APIRouter(include_in_schema=False)


@router.post("/cases/{case_id}/dependencies", response_model=None)
def add_dependency(
    request: Request, case_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Record that this line needs another live first, as PUT /api/cases/{id}/dependencies/{o}."""
    require(user.actor, PLANNERS)
    case = cases.get(session=ctx.session, case_id=case_id)
    other_id = str(form.get("other_id") or "")
    if not other_id.isdigit() or len(other_id) > 9:
        fields = {"dependency-other": "Choose the line this one needs live first"}
        return render_refused(request, user, ctx, case, form, "dependency", fields)
    try:
        with ctx.session.begin_nested():
            other = cases.get(session=ctx.session, case_id=int(other_id))
            dependencies.add(ctx, case=case, other=other, if_match=version_of(form))
    except DomainError as exc:
        return _failed(
            request, user, ctx, case, form, "dependency", exc, "dependency-other", on_field=True
        )
    return see_other(f"/cases/{case.id}?done=dependency-added#dependencies")


@router.post("/cases/{case_id}/dependencies/{other_id}/remove", response_model=None)
def remove_dependency(
    request: Request,
    case_id: IdPath,
    other_id: IdPath,
    user: WebUser,
    ctx: WebCtx,
    form: CheckedForm,
) -> Response:
    """Drop a dependency, as DELETE /api/cases/{id}/dependencies/{other}."""
    require(user.actor, PLANNERS)
    case = cases.get(session=ctx.session, case_id=case_id)
    try:
        with ctx.session.begin_nested():
            other = cases.get(session=ctx.session, case_id=other_id)
            dependencies.remove(ctx, case=case, other=other, if_match=version_of(form))
    except DomainError as exc:
        return _failed(request, user, ctx, case, form, "remove", exc, "dependencies")
    return see_other(f"/cases/{case.id}?done=dependency-removed#dependencies")


@router.post("/handover-tasks/{task_id}/owner", response_model=None)
def assign_owner(
    request: Request, task_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Give an open task its owner, as PATCH /api/handover-tasks/{id}."""

    def change(task: HandoverTask, body: Any) -> None:
        handover.assign_owner(
            session=ctx.session,
            task=task,
            owner=body.owner,
            actor=user.actor,
            now=ctx.clock.now(),
            if_match=None,
            expected=body.version,
        )

    step = TaskStep("owner", read_owner, change, "owner", "owner-assigned", on_field=True)
    return _task_post(request, task_id, user, ctx, form, step)


@router.post("/handover-tasks/{task_id}/complete", response_model=None)
def complete_task(
    request: Request, task_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Mark an open task done on its evidence, as POST /api/handover-tasks/{id}/complete."""

    def change(task: HandoverTask, body: Any) -> None:
        handover.complete(
            session=ctx.session,
            task=task,
            evidence=[e.model_dump(exclude_none=True) for e in body.evidence],
            reason=body.reason,
            actor=user.actor,
            now=ctx.clock.now(),
            if_match=None,
            expected=body.version,
        )

    step = TaskStep("complete", read_completion, change, "heading", "task-done")
    return _task_post(request, task_id, user, ctx, form, step)


@dataclass(frozen=True)
class TaskStep:
    """One task form: how it reads its fields, what it changes, where errors and success go."""

    name: str
    read: Callable[[FormData, str], Posted]
    change: Callable[[HandoverTask, Any], None]
    anchor: str
    done: str
    on_field: bool = False


def _task_post(
    request: Request, task_id: int, user: SignedIn, ctx: Ctx, form: FormData, step: TaskStep
) -> Response:
    """Read a task form, apply it through the handover service, and show the case again."""
    require(user.actor, WORKERS)
    task = handover.get_task(session=ctx.session, task_id=task_id)
    case = cases.get(session=ctx.session, case_id=task.case_id)
    prefix, trigger = f"task{task.id}", f"task-{task.id}-{step.name}"
    posted = step.read(form, prefix)
    if posted.errors:
        return render_refused(request, user, ctx, case, form, trigger, posted.errors)
    try:
        with ctx.session.begin_nested():
            step.change(task, posted.body)
    except DomainError as exc:
        ctx.session.refresh(task)
        anchor = f"{prefix}-{step.anchor}"
        return _failed(request, user, ctx, case, form, trigger, exc, anchor, on_field=step.on_field)
    return see_other(f"/cases/{case.id}?done={step.done}#task-{task.id}")


def _failed(
    request: Request,
    user: SignedIn,
    ctx: Ctx,
    case: Case,
    form: FormData,
    trigger: str,
    exc: DomainError,
    anchor: str,
    *,
    on_field: bool = False,
) -> Response:
    """A service's refusal in its own words, linked to `anchor` (a field, when `on_field`).

    A stale version the form carried is a 409, as the other forms say (the dependency
    service reads it as If-Match, which the API answers 412).
    """
    ctx.session.refresh(case)
    status = 409 if exc.status_code == 412 else exc.status_code
    errors = error_list(exc, anchor)
    fields = {anchor: errors[0]["text"]} if on_field else {}
    return render_case(
        request,
        user,
        ctx,
        case,
        errors=errors,
        field_errors=fields,
        posted=form,
        posted_trigger=trigger,
        status_code=status,
    )
