"""Every page router, in one list for app.web.install."""

from __future__ import annotations

from fastapi import APIRouter

from app.web import (
    audit_pages,
    case_list_pages,
    case_pages,
    case_parts_pages,
    contract_pages,
    deadline_pages,
    home_pages,
    import_pages,
    notice_pages,
    portfolio_pages,
    terms_pages,
)

router = APIRouter(include_in_schema=False)
_PAGES = (
    home_pages,
    portfolio_pages,
    contract_pages,
    case_list_pages,
    case_pages,
    case_parts_pages,
    deadline_pages,
    import_pages,
    notice_pages,
    audit_pages,
    terms_pages,
)
for _module in _PAGES:
    router.include_router(_module.router)
