"""/api/me."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from app.auth.deps import CurrentUser
from app.jsonbody import StrictJSONRoute

router = APIRouter(prefix="/api", tags=["auth"], route_class=StrictJSONRoute)


class Me(BaseModel):
    """The caller."""

    id: int
    name: str
    roles: list[str]


@router.get("/me")
def me(user: CurrentUser) -> Me:
    """The caller's name and roles."""
    return Me(id=user.id, name=user.name, roles=sorted(user.roles))
