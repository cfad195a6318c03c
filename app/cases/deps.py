"""Request dependencies for case endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.auth.deps import ClockDep, CurrentUser, SettingsDep
from app.cases.ctx import Ctx
from app.db.session import SessionDep
from app.workflows.registry import WorkflowRegistry


async def get_registry(request: Request) -> WorkflowRegistry:
    """The application's workflow registry."""
    registry: WorkflowRegistry = request.app.state.workflows
    return registry


RegistryDep = Annotated[WorkflowRegistry, Depends(get_registry)]


async def get_ctx(
    session: SessionDep,
    registry: RegistryDep,
    clock: ClockDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> Ctx:
    """Everything a case operation needs, for the calling user."""
    return Ctx(session=session, registry=registry, clock=clock, actor=user, settings=settings)


CtxDep = Annotated[Ctx, Depends(get_ctx)]
