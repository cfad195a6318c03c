"""/api/imports (filled in by the OCDS import work)."""

from fastapi import APIRouter

router = APIRouter(tags=["imports"])
