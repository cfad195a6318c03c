"""/api/cases/{id}/dependencies: the lines a component needs live before it cuts over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.auth.deps import require_roles
from app.auth.roles import Role
from app.auth.service import Actor
from app.cases import dependencies, service
from app.cases.deps import CtxDep
from app.cases.models import Case
from app.cases.schemas import DependencyList, DependencyOut
from app.etag import IfMatch, etag, parse_if_match
from app.jsonbody import StrictJSONRoute
from app.params import IdPath

router = APIRouter(prefix="/api/cases", tags=["cases"], route_class=StrictJSONRoute)

# dependencies.add and dependencies.remove: the two changes PUT and DELETE make.
Change = Callable[..., object]

# Who decomposes a contract also says how its lines depend on each other.
Planner = Annotated[Actor, Depends(require_roles(Role.programme_manager, Role.service_owner))]


@router.get("/{case_id}/dependencies")
def list_dependencies(case_id: IdPath, ctx: CtxDep, response: Response) -> DependencyList:
    """The component cases this one needs live before its cutover or go-live."""
    case = service.get(session=ctx.session, case_id=case_id)
    return _answer(ctx, case, response)


@router.put("/{case_id}/dependencies/{other_id}")
def add_dependency(
    case_id: IdPath,
    other_id: IdPath,
    ctx: CtxDep,
    _user: Planner,
    response: Response,
    if_match: IfMatch = None,
) -> DependencyList:
    """Record that the case needs `other_id` live first (same review, no cycle); idempotent."""
    return _change(dependencies.add, ctx, case_id, other_id, response, if_match)


@router.delete("/{case_id}/dependencies/{other_id}")
def remove_dependency(
    case_id: IdPath,
    other_id: IdPath,
    ctx: CtxDep,
    _user: Planner,
    response: Response,
    if_match: IfMatch = None,
) -> DependencyList:
    """Drop the dependency on `other_id` (404 when there is none); audited."""
    return _change(dependencies.remove, ctx, case_id, other_id, response, if_match)


def _change(
    change: Change,
    ctx: CtxDep,
    case_id: int,
    other_id: int,
    response: Response,
    if_match: str | None,
) -> DependencyList:
    """Load both cases (404 for either), apply `change` under If-Match, answer the new list."""
    case = service.get(session=ctx.session, case_id=case_id)
    other = service.get(session=ctx.session, case_id=other_id)
    change(ctx, case=case, other=other, if_match=parse_if_match(if_match))
    return _answer(ctx, case, response)


def _answer(ctx: CtxDep, case: Case, response: Response) -> DependencyList:
    """The case's dependencies, its version as the ETag for the next If-Match."""
    response.headers["ETag"] = etag(case.version)
    items = [
        DependencyOut(id=c.id, title=c.title, state=c.state, final=c.final)
        for c in dependencies.listed(ctx.session, case)
    ]
    return DependencyList(case_id=case.id, version=case.version, items=items)
