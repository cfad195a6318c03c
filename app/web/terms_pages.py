"""Confirming a contract's imported terms from the signed contract: the form's post."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.contracts import service, verify
from app.contracts.models import Contract
from app.contracts.rules import EDITORS
from app.contracts.schemas import TermsConfirm
from app.errors import DomainError
from app.params import IdPath
from app.web import contract_forms as forms
from app.web.contract_pages import require
from app.web.deps import CheckedForm, WebCtx, WebUser, render, see_other
from app.web.signin import SignedIn

router = APIRouter(include_in_schema=False)
FIELDS = ("end_date", "max_end_date", "note")
LABELS = {"end_date": "End date", "max_end_date": "Latest possible end date", "note": "Note"}


def _body(contract: Contract, values: dict[str, str], version: str) -> dict[str, Any]:
    """The API body: only the dates the person changed count as corrections."""
    body: dict[str, Any] = {"note": values["note"] or None}
    body["version"] = int(version) if version.isdigit() else (version or None)
    for key in ("end_date", "max_end_date"):
        current: date | None = getattr(contract, key)
        if values[key] and values[key] != (current.isoformat() if current else ""):
            body[key] = values[key]
    return body


def _errors(exc: ValidationError | DomainError) -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            key = str(error.get("loc", ("end_date",))[0])
            key = key if key in LABELS else "end_date"
            found.setdefault(key, f"{LABELS[key]} must be a real date, like 2027-03-31")
        return found
    for problem in exc.problems:
        key = str(problem.get("field", ""))
        if key in LABELS:
            found.setdefault(key, f"{LABELS[key]}: {problem.get('message', exc.detail)}")
    return found or {"end_date": exc.detail[:1].upper() + exc.detail[1:]}


def _again(
    request: Request,
    user: SignedIn,
    contract: Contract,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int,
) -> Response:
    return render(
        request,
        "terms_confirm.html",
        user,
        status_code=status_code,
        errors=forms.summary(errors),
        field_errors=errors,
        title=f"Confirm the terms of {contract.reference}",
        contract=contract,
        values=values,
        version=contract.version,
    )


@router.post("/contracts/{contract_id}/terms/confirm", response_model=None)
def confirm_terms(
    request: Request, contract_id: IdPath, user: WebUser, ctx: WebCtx, form: CheckedForm
) -> Response:
    """Confirm through the API's service; errors show the form again with what was typed."""
    require(user, EDITORS)
    contract = service.get(session=ctx.session, contract_id=contract_id)
    values = {k: str(form.get(k) or "").strip() for k in FIELDS}
    try:
        body = TermsConfirm.model_validate(_body(contract, values, str(form.get("version") or "")))
        with ctx.session.begin_nested():
            verify.confirm_terms(
                session=ctx.session,
                contract=contract,
                body=body,
                actor=ctx.actor,
                now=ctx.clock.now(),
                settings=ctx.settings,
            )
    except ValidationError as exc:
        return _again(request, user, contract, values, _errors(exc), 422)
    except DomainError as exc:
        ctx.session.refresh(contract)
        return _again(request, user, contract, values, _errors(exc), exc.status_code)
    return see_other(f"/contracts/{contract.id}")
