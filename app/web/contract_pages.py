"""Contracts: the filtered list, register, edit terms, and one contract's page."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.auth.roles import Role
from app.cases import service as cases
from app.cases.router import OPENERS
from app.contracts import service
from app.contracts.models import Contract
from app.contracts.present import contract_out
from app.contracts.rules import EDITORS
from app.contracts.schemas import ContractCreate, ContractPatch
from app.errors import Conflict, DomainError, Forbidden
from app.params import IdPath
from app.portfolio import behind
from app.portfolio.states import ROUTE_UNDECIDED, ROUTES, STATES, financial_year
from app.web import contract_forms as forms
from app.web import queries
from app.web.deps import CheckedForm, WebCtx, WebUser, render, see_other
from app.web.signin import SignedIn
from app.web.templating import humanise

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]


def require(user: SignedIn, roles: frozenset[Role]) -> None:
    """The same 403 as the API when the user lacks every one of the roles (admin passes)."""
    if not user.actor.has_any(roles | {Role.admin}):
        names = ", ".join(sorted({*roles, Role.admin}))
        raise Forbidden(f"this needs one of the roles: {names}", code="role_required")


def _date(value: str, label: str, errors: dict[str, str], key: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[key] = f"{label} must be a real date, like 2027-03-31"
        return None


def _year(value: str, errors: dict[str, str], key: str) -> int | None:
    if value.isdigit() and 1990 <= int(value) <= 2200:
        return int(value)
    errors[key] = "Financial year must be a year like 2026"
    return None


ROUTE_NAMES = (*ROUTES, ROUTE_UNDECIDED)


def _figure(fig: dict[str, str], today: date, errors: dict[str, str]) -> dict[str, Any]:
    """The portfolio figure a link came from: a standing in a financial year, a supplier,
    a route, lines moved in house in a year, or the lines behind a savings figure."""
    if not any(fig.values()):
        return {}
    standing, route, savings = fig["standing"], fig["route"], fig["savings"]
    if standing and standing not in STATES:
        errors["standing"] = "Standing must be outsourced, in transition or moved"
        standing = ""
    if route and route not in ROUTE_NAMES:
        names = [humanise(r).lower() for r in ROUTE_NAMES]
        errors["route"] = f"Route must be {', '.join(names[:-1])} or {names[-1]}"
        route = ""
    if savings and savings not in behind.SAVINGS:
        errors["savings"] = "Savings must be planned or realised"
        savings = ""
    fy = (_year(fig["year"], errors, "year") if fig["year"] else None) or financial_year(today)
    return {
        "standing": standing or None,
        "year": fy,
        "lead_supplier": fig["lead_supplier"] or None,
        "route": route or None,
        "moved_in": _year(fig["moved_in"], errors, "moved_in") if fig["moved_in"] else None,
        "savings": savings or None,
    }


@router.get("/contracts")
def contract_list(
    request: Request,
    user: WebUser,
    ctx: WebCtx,
    q: Text = "",
    buyer: Text = "",
    supplier: Text = "",
    ends_after: Text = "",
    ends_before: Text = "",
    tier: Text = "",
    standing: Text = "",
    year: Text = "",
    lead_supplier: Text = "",
    route: Text = "",
    moved_in: Text = "",
    savings: Text = "",
    sort: Text = "end_date",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Contracts filtered through a GET form (so the URL can be shared), sorted, paginated."""
    errors: dict[str, str] = {}
    fig = {"standing": standing, "year": year, "lead_supplier": lead_supplier, "route": route}
    fig |= {"moved_in": moved_in, "savings": savings}
    figure = _figure(fig, ctx.clock.today(), errors)
    filters = queries.ContractFilters(
        q=q.strip() or None,
        buyer=buyer.strip() or None,
        supplier=supplier.strip() or None,
        ends_after=_date(ends_after, "Ends after", errors, "ends_after"),
        ends_before=_date(ends_before, "Ends before", errors, "ends_before"),
        tier=forms.tier_filter(tier, errors),
        sort=sort if sort in queries.SORTS else "end_date",
        **figure,
    )
    rows, total = queries.contracts_page(ctx.session, filters, page)
    kept = {
        "q": q,
        "buyer": buyer,
        "supplier": supplier,
        "ends_after": ends_after,
        "ends_before": ends_before,
        "tier": tier,
        **fig,
    }
    query = {k: v for k, v in kept.items() if v}
    pages = queries.page_count(total)
    return render(
        request,
        "contracts.html",
        user,
        status_code=422 if errors else 200,
        errors=forms.summary(errors),
        field_errors=errors,
        title="Contracts",
        contracts=rows,
        total=total,
        figure=filters if filters.behind_figure() else None,
        page=page,
        pages=pages,
        filters=kept,
        sort=filters.sort,
        link=lambda **more: "/contracts?" + urlencode({**query, "sort": filters.sort, **more}),
        can_register=user.actor.has_any(EDITORS | {Role.admin}),
        back=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


def _form(
    request: Request,
    user: SignedIn,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    contract: Contract | None = None,
    version: int | None = None,
    stale: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    title = f"Edit {contract.reference}" if contract else "Register a contract"
    return render(
        request,
        "contract_form.html",
        user,
        status_code=status_code,
        errors=forms.summary(errors or {}),
        field_errors=errors or {},
        title=title,
        fields=forms.FIELDS,
        values=values,
        contract=contract,
        version=version,
        stale=stale,
    )


@router.get("/contracts/new")
def new_contract(request: Request, user: WebUser) -> HTMLResponse:
    """The register-a-contract form."""
    require(user, EDITORS)
    return _form(request, user, values={f.id: "" for f in forms.FIELDS})


@router.post("/contracts/new", response_model=None)
def register_contract(request: Request, user: WebUser, ctx: WebCtx, form: CheckedForm) -> Response:
    """Register through the same service as POST /api/contracts; errors keep the input."""
    require(user, EDITORS)
    values = forms.values_from(form)
    try:
        data = ContractCreate.model_validate(forms.payload(values))
        with ctx.session.begin_nested():
            contract = service.create(
                session=ctx.session,
                data=data,
                actor=ctx.actor,
                now=ctx.clock.now(),
                settings=ctx.settings,
            )
    except ValidationError as exc:
        return _form(
            request, user, values=values, errors=forms.validation_errors(exc), status_code=422
        )
    except DomainError as exc:
        return _form(
            request,
            user,
            values=values,
            errors=forms.domain_errors(exc),
            status_code=exc.status_code,
        )
    return see_other(f"/contracts/{contract.id}")


@router.get("/contracts/{contract_id}")
def contract_page(
    request: Request, contract_id: IdPath, user: WebUser, ctx: WebCtx
) -> HTMLResponse:
    """Terms, deadlines and the cases as a tree."""
    contract = service.get(session=ctx.session, contract_id=contract_id)
    out = contract_out(contract, ctx.session)
    all_cases = queries.cases_of_contract(ctx.session, contract.id)
    children: dict[int | None, list[object]] = {}
    for case in all_cases:
        children.setdefault(case.parent_id, []).append(case)
    return render(
        request,
        "contract.html",
        user,
        title=f"{contract.reference}: {contract.title}",
        contract=out,
        children=children,
        can_edit=user.actor.has_any(EDITORS | {Role.admin}),
        can_open=user.actor.has_any(OPENERS)
        and not any(c.workflow == "contract_review" and not c.final for c in all_cases),
    )


@router.get("/contracts/{contract_id}/edit")
def edit_contract(
    request: Request, contract_id: IdPath, user: WebUser, ctx: WebCtx
) -> HTMLResponse:
    """The edit-terms form, holding the version it was opened at."""
    require(user, EDITORS)
    contract = service.get(session=ctx.session, contract_id=contract_id)
    return _form(
        request, user, values=forms.values_of(contract), contract=contract, version=contract.version
    )


def _stale_message(ctx: WebCtx, contract: Contract) -> str:
    event = queries.last_change(ctx.session, contract.id)
    if event is None:
        return "Someone changed this contract after you opened it."
    who = queries.display_names(ctx.session, {event.actor}).get(event.actor, event.actor)
    changed = ", ".join(sorted((event.details or {}).get("changes", {}))) or "its terms"
    when = f"{event.at.day} {event.at:%B %Y at %H:%M} UTC"
    return (
        f"{who} changed this contract ({changed}) on {when}, after you opened it."
        " Your changes have not been saved: they are below. Check them against the"
        " current terms, then save again to replace them."
    )


@router.post("/contracts/{contract_id}/edit", response_model=None)
def save_contract(
    request: Request, contract_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Save terms through PATCH's service; a stale version says who changed what, and when."""
    require(user, EDITORS)
    contract = service.get(session=ctx.session, contract_id=contract_id)
    values = forms.values_from(form)
    version = str(form.get("version") or "")
    # The form posts text: a whole number is the version it was opened at; anything else is
    # left as text for the validator to refuse.
    posted = int(version) if version.isdigit() else None
    reason = str(form.get("reason") or "").strip() or None
    # The form again, with what was posted, for each way the save can be refused.
    again = partial(_form, request, user, values=values, contract=contract)
    try:
        patch = ContractPatch.model_validate(
            {
                **forms.payload(values, partial=True),
                "version": posted if posted is not None else (version or None),
                "reason": reason,
            }
        )
        with ctx.session.begin_nested():
            service.update(
                session=ctx.session,
                contract=contract,
                patch=patch,
                actor=ctx.actor,
                now=ctx.clock.now(),
                settings=ctx.settings,
            )
    except ValidationError as exc:
        kept = posted if posted is not None else contract.version
        return again(errors=forms.validation_errors(exc), version=kept, status_code=422)
    except Conflict as exc:
        if exc.error_code != "stale_version":
            kept = posted if posted is not None else contract.version
            return again(errors=forms.domain_errors(exc), version=kept, status_code=409)
        message = _stale_message(ctx, contract)
        return again(
            errors={"reference": message}, version=contract.version, stale=message, status_code=409
        )
    except DomainError as exc:
        return again(
            errors=forms.domain_errors(exc), version=contract.version, status_code=exc.status_code
        )
    return see_other(f"/contracts/{contract.id}")


@router.post("/contracts/{contract_id}/cases", response_model=None)
def open_review(contract_id: IdPath, user: WebUser, ctx: WebCtx, _form: CheckedForm) -> Response:
    """Open a contract review, as POST /api/cases does."""
    require(user, frozenset(OPENERS))
    service.get(session=ctx.session, contract_id=contract_id)
    case = cases.open_case(ctx, workflow="contract_review", contract_id=contract_id)
    return see_other(f"/cases/{case.id}")
