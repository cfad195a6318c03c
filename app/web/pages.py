"""Every page router, in one list for app.web.install."""

from __future__ import annotations

from fastapi import APIRouter

from app.web import case_pages, contract_pages, deadline_pages, home_pages, import_pages

router = APIRouter(include_in_schema=False)
for _module in (home_pages, contract_pages, case_pages, deadline_pages, import_pages):
    router.include_router(_module.router)
