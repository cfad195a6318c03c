"""/docs: Swagger UI from the locally built assets, under the same strict CSP as every page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.templating import ASSETS, templates

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    """The interactive API documentation; without built assets, a link to the document."""
    built = (ASSETS / "swagger-ui" / "swagger-ui-bundle.js").is_file()
    return templates.TemplateResponse(request, "docs.html", {"built": built})
