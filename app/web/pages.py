"""Every page router, in one list for app.web.install."""

from __future__ import annotations

from fastapi import APIRouter

from app.web import case_pages, contract_pages, home_pages, portfolio_pages

router = APIRouter(include_in_schema=False)
for _module in (home_pages, contract_pages, case_pages, portfolio_pages):
    router.include_router(_module.router)
