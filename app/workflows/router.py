"""/api/workflows: definitions, their versions and diagrams."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from app.auth.deps import CurrentUser
from app.cases.deps import RegistryDep
from app.db.session import SessionDep
from app.engine import mermaid, svg
from app.errors import Unprocessable
from app.jsonbody import StrictJSONRoute
from app.workflows.schemas import WorkflowOut, WorkflowSummary, detail, summary

router = APIRouter(prefix="/api/workflows", tags=["workflows"], route_class=StrictJSONRoute)
Name = Annotated[str, Query(max_length=100)]


@router.get("")
def list_workflows(registry: RegistryDep, _user: CurrentUser) -> dict[str, list[WorkflowSummary]]:
    """The current definitions with name, version and title."""
    return {"items": [summary(d) for d in sorted(registry.current.values(), key=lambda d: d.name)]}


@router.get("/{name}")
def get_workflow(
    name: str,
    registry: RegistryDep,
    session: SessionDep,
    _user: CurrentUser,
    version: Annotated[str | None, Query(max_length=64)] = None,
) -> WorkflowOut:
    """States and transitions of the current version (or `?version=`), and every stored version."""
    defn = registry.resolve_version(session, name, version) if version else registry.latest(name)
    out = detail(defn)
    out.versions = [
        {"version": v.version, "label": v.label, "registered_at": v.registered_at.isoformat()}
        for v in registry.versions(session, name)
    ]
    return out


@router.get(
    "/{name}/diagram",
    responses={200: {"content": {"text/plain": {}, "image/svg+xml": {}}}},
)
def diagram(
    name: str,
    registry: RegistryDep,
    session: SessionDep,
    _user: CurrentUser,
    state: Annotated[str | None, Query(max_length=100)] = None,
    version: Annotated[str | None, Query(max_length=64)] = None,
    accept: Annotated[str, Header()] = "text/plain",
) -> Response:
    """Mermaid text, or SVG for `Accept: image/svg+xml`; `?state=` highlights a state."""
    defn = registry.resolve_version(session, name, version) if version else registry.latest(name)
    if state is not None and state not in defn.states:
        raise Unprocessable(
            f"{name} has no state {state!r}",
            problems=[{"field": "state", "message": "unknown state"}],
        )
    if "image/svg+xml" in accept:
        return Response(svg(defn, state), media_type="image/svg+xml")
    return Response(mermaid(defn, state), media_type="text/plain; charset=utf-8")
