"""The case page: state, actions as plain forms (with why not), decomposition, history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.datastructures import FormData

from app.cases import components, service
from app.cases.models import Case
from app.cases.present import case_out, transition_options
from app.cases.router import DECOMPOSERS
from app.cases.service import Ctx
from app.contracts import service as contracts
from app.engine import svg
from app.errors import DomainError, Forbidden
from app.params import IdPath
from app.web import case_parts, queries
from app.web.case_forms import definition_for, read_submission, transition_form
from app.web.deps import CheckedForm, WebCtx, WebUser, render, see_other
from app.web.signin import SignedIn

router = APIRouter(include_in_schema=False)


def error_list(exc: DomainError, anchor: str) -> list[dict[str, str]]:
    """A refusal as GOV.UK error summary items: each guard's reason, else the detail."""
    texts = [str(p.get("detail") or p.get("message") or "") for p in exc.problems]
    texts = [t for t in texts if t] or [exc.detail]
    return [{"text": t[:1].upper() + t[1:], "href": f"#{anchor}"} for t in texts]


def render_case(
    request: Request,
    user: SignedIn,
    ctx: Ctx,
    case: Case,
    *,
    errors: list[dict[str, str]] | None = None,
    field_errors: dict[str, str] | None = None,
    posted: FormData | None = None,
    posted_trigger: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """The case page; after a refused post, the errors and the input beside the form."""
    defn = service.definition_of(ctx, case)
    options = transition_options(ctx, case)
    actions: list[dict[str, Any]] = []
    for i, option in enumerate(options):
        tdef = definition_for(defn.transitions, option.trigger, case.state)
        actions.append(
            {
                "option": option,
                "form": transition_form(option, tdef),
                "prefix": f"t{i}",
                "description": tdef.description if tdef else "",
                "posted": posted if option.trigger == posted_trigger else None,
            }
        )
    for a in actions:  # the form just refused stays, with the input, beside its reasons
        a["offered"] = a["form"].offered(a["option"]) or a["posted"] is not None
    contract = (
        contracts.get(session=ctx.session, contract_id=case.contract_id)
        if case.contract_id
        else None
    )
    out = case_out(ctx, case, full=True)
    routes = components.decomposition_routes(ctx, case)
    return render(
        request,
        "case.html",
        user,
        status_code=status_code,
        errors=errors,
        field_errors=field_errors or {},
        title=case.title,
        case=out,
        state_title=defn.states[case.state].title,
        contract=contract,
        allowed=[a for a in actions if a["offered"]],
        blocked=[a for a in actions if not a["offered"]],
        can_decompose=routes is not None and user.actor.has_any(DECOMPOSERS),
        routes=routes or [],
        posted_component=posted if posted_trigger == "decompose" else None,
        parts=case_parts.parts_of(ctx, case, user.actor),
        posted=posted,
        posted_trigger=posted_trigger,
        done=case_parts.DONE.get(request.query_params.get("done", "")) if not errors else None,
        tab="overview",
    )


def render_refused(
    request: Request,
    user: SignedIn,
    ctx: Ctx,
    case: Case,
    form: FormData,
    trigger: str,
    fields: dict[str, str],
    status_code: int = 422,
) -> HTMLResponse:
    """The case page again after a form's own checks failed: a summary linked to each field
    id, each field's message beside it, and the input kept."""
    errors = [{"text": text, "href": f"#{fid}"} for fid, text in fields.items()]
    return render_case(
        request,
        user,
        ctx,
        case,
        errors=errors,
        field_errors=fields,
        posted=form,
        posted_trigger=trigger,
        status_code=status_code,
    )


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: IdPath, user: WebUser, ctx: WebCtx) -> HTMLResponse:
    """The case: what it is, where it is, and what can be done now."""
    return render_case(request, user, ctx, service.get(session=ctx.session, case_id=case_id))


@router.post("/cases/{case_id}/transitions", response_model=None)
def fire(
    request: Request, case_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Fire a transition through the API's service; a refusal keeps the input and says why."""
    case = service.get(session=ctx.session, case_id=case_id)
    trigger = str(form.get("trigger") or "")
    version = str(form.get("expected_version") or "")
    options = {o.trigger: (i, o) for i, o in enumerate(transition_options(ctx, case))}
    index, option = options.get(trigger, (0, None))
    prefix = f"t{index}"
    if option is None:
        # Not a trigger from this state (a stale page or a forged post): the service says so.
        return _try(request, user, ctx, case, form, trigger, prefix, None)
    tdef = definition_for(service.definition_of(ctx, case).transitions, trigger, case.state)
    spec = transition_form(option, tdef)
    submitted = read_submission(form, spec, prefix)
    if submitted.errors:
        return render_refused(request, user, ctx, case, form, trigger, submitted.errors)
    return _try(
        request,
        user,
        ctx,
        case,
        form,
        trigger,
        prefix,
        {
            "reason": submitted.reason,
            "data": submitted.data,
            "evidence": submitted.evidence,
            "expected_version": int(version) if version.isdigit() else None,
        },
    )


def _try(
    request: Request,
    user: SignedIn,
    ctx: Ctx,
    case: Case,
    form: FormData,
    trigger: str,
    prefix: str,
    args: dict[str, Any] | None,
) -> Response:
    args = args or {"reason": None, "data": {}, "evidence": [], "expected_version": None}
    try:
        with ctx.session.begin_nested():
            service.transition(ctx, case=case, trigger=trigger, if_match=None, **args)
    except DomainError as exc:
        ctx.session.refresh(case)
        return render_case(
            request,
            user,
            ctx,
            case,
            errors=error_list(exc, f"{prefix}-heading"),
            posted=form,
            posted_trigger=trigger,
            status_code=exc.status_code,
        )
    return see_other(f"/cases/{case.id}")


@router.post("/cases/{case_id}/components", response_model=None)
def decompose(
    request: Request, case_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Add a service component and open its case, as POST /api/cases/{id}/components."""
    if not user.actor.has_any(DECOMPOSERS):
        raise Forbidden(
            f"this needs one of the roles: {', '.join(sorted(DECOMPOSERS))}", code="role_required"
        )
    case = service.get(session=ctx.session, case_id=case_id)
    name = str(form.get("name") or "").strip()
    description = str(form.get("description") or "").strip() or None
    route = str(form.get("route") or "").strip() or None
    if not name:
        fields = {"component-name": "Enter the component's name"}
        return render_refused(request, user, ctx, case, form, "decompose", fields)
    try:
        with ctx.session.begin_nested():
            components.decompose(
                ctx, parent=case, name=name[:200], description=description, route=route
            )
    except DomainError as exc:
        return render_case(
            request,
            user,
            ctx,
            case,
            errors=error_list(exc, "component-name"),
            posted=form,
            posted_trigger="decompose",
            status_code=exc.status_code,
        )
    return see_other(f"/cases/{case.id}")


@router.get("/cases/{case_id}/history")
def history(request: Request, case_id: IdPath, user: WebUser, ctx: WebCtx) -> HTMLResponse:
    """The case's audit trail, newest first, as an MOJ timeline."""
    case = service.get(session=ctx.session, case_id=case_id)
    events = queries.case_events(ctx.session, case.id)
    names = queries.display_names(ctx.session, {e.actor for e in events})
    return render(
        request,
        "case_history.html",
        user,
        title=f"History: {case.title}",
        case=case_out(ctx, case),
        events=events,
        names=names,
        tab="history",
    )


@router.get("/cases/{case_id}/diagram")
def diagram(request: Request, case_id: IdPath, user: WebUser, ctx: WebCtx) -> HTMLResponse:
    """The workflow drawn with the current state and the path taken, and the same as a list."""
    case = service.get(session=ctx.session, case_id=case_id)
    defn = service.definition_of(ctx, case)
    path = queries.path_taken(ctx.session, case.id)
    visited = {defn.initial} | {to for _, to in path}
    picture = svg(defn, case.state, taken=frozenset(path), page_id=f"case-{case.id}-diagram")
    return render(
        request,
        "case_diagram.html",
        user,
        title=f"Diagram: {case.title}",
        case=case_out(ctx, case),
        picture=Markup(picture),  # noqa: S704 - built by app.engine.diagram, every text escaped
        stages=[(s, s.name in visited) for s in defn.states.values()],
        stages_taken=[defn.initial, *(to for _, to in path)],
        titles={s.name: s.title for s in defn.states.values()},
        current=case.state,
        tab="diagram",
    )
