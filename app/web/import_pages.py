"""Import: upload an OCDS file through the API's import service, and the import history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from app.errors import DomainError
from app.imports import service
from app.web import import_queries, queries
from app.web.deps import CheckedForm, WebCtx, WebUser, render
from app.web.permissions import IMPORTERS, may, require
from app.web.signin import SignedIn
from app.work import queries as work_queries

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=20)]


def _page(
    request: Request,
    user: SignedIn,
    *,
    report: dict[str, Any] | None = None,
    refused: DomainError | None = None,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    errors = [{"text": error, "href": "#file"}] if error else []
    # Beside the field, a refused file's words point at its problems (listed above it).
    field_error = "Choose a corrected file: its problems are listed above" if refused else error
    return render(
        request,
        "import.html",
        user,
        status_code=status_code,
        errors=errors,
        title="Import an OCDS file",
        error=field_error,
        report=report,
        problems=refused.problems if refused else [],
    )


@router.get("/imports")
def import_form(request: Request, user: WebUser) -> HTMLResponse:
    """The upload form (only for the roles the API lets import)."""
    require(user.actor, IMPORTERS)
    return _page(request, user)


@router.post("/imports")
def import_file(request: Request, user: WebUser, ctx: WebCtx, form: CheckedForm) -> HTMLResponse:
    """Import through the same service and limits as POST /api/imports/ocds; show the report."""
    require(user.actor, IMPORTERS)
    part = form.get("file")
    if not isinstance(part, UploadFile) or not part.filename:
        return _page(request, user, error="Select an OCDS file to import", status_code=422)
    try:
        # A savepoint: a refused file leaves nothing behind, yet the page still renders.
        with ctx.session.begin_nested():
            report = service.import_ocds(
                max_release_bytes=ctx.settings.max_release_bytes,
                session=ctx.session,
                settings=ctx.settings,
                stream=part.file,
                source_file=part.filename,
                actor=ctx.actor,
                now=ctx.clock.now(),
            )
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        message = f"{part.filename} was not imported: {exc.detail}"
        return _page(request, user, refused=exc, error=message, status_code=exc.status_code)
    return _page(request, user, report=report.as_dict())


def _contract_id(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


@router.get("/imports/history")
def import_history(
    request: Request,
    user: WebUser,
    ctx: WebCtx,
    contract_id: Text = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The OCDS releases applied to contracts, newest first; of one contract when asked."""
    wanted = _contract_id(contract_id)
    rows, total = import_queries.history_page(
        ctx.session, contract_id=wanted, page=page, page_size=queries.PAGE_SIZE
    )
    titles = work_queries.contract_titles(ctx.session, {wanted}) if wanted else {}
    base = f"/imports/history?contract_id={wanted}&" if wanted else "/imports/history?"
    return render(
        request,
        "import_history.html",
        user,
        title=f"Import history of {titles[wanted]}" if wanted in titles else "Import history",
        rows=rows,
        total=total,
        page=page,
        pages=queries.page_count(total),
        link=lambda n: f"{base}page={n}",
        contract_id=wanted if wanted in titles else None,
        can_import=may(user.actor, IMPORTERS),
    )
