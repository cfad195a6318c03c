"""Every page router, in one list for app.web.install."""

from __future__ import annotations

from fastapi import APIRouter

from app.web import home_pages

router = APIRouter(include_in_schema=False)
for _module in (home_pages,):
    router.include_router(_module.router)
