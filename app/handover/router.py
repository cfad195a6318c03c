"""/api/cases/{id}/handover-tasks and /api/handover-tasks: the handover checklist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from app.auth.deps import ClockDep, CurrentUser, require_roles
from app.auth.roles import EVIDENCE_ROLES
from app.auth.service import Actor
from app.cases import service as cases
from app.db.session import SessionDep
from app.etag import IfMatch, etag, parse_if_match
from app.handover import present, service
from app.handover.models import HandoverTask
from app.handover.schemas import CompleteIn, OwnerIn, TaskList, TaskOut
from app.jsonbody import StrictJSONRoute
from app.params import IdPath

router = APIRouter(prefix="/api", tags=["handover"], route_class=StrictJSONRoute)

Worker = Annotated[Actor, Depends(require_roles(*EVIDENCE_ROLES))]


@router.get("/cases/{case_id}/handover-tasks")
def list_tasks(case_id: IdPath, session: SessionDep, _user: CurrentUser) -> TaskList:
    """The case's handover checklist (empty for a line that replaces no supplier)."""
    case = cases.get(session=session, case_id=case_id)
    return TaskList(items=present.tasks_out(session, case.id))


@router.patch("/handover-tasks/{task_id}")
def assign_owner(
    task_id: IdPath,
    body: OwnerIn,
    session: SessionDep,
    user: Worker,
    clock: ClockDep,
    response: Response,
    if_match: IfMatch = None,
) -> TaskOut:
    """Assign the task's owner (an existing user); audited; If-Match or `version`."""
    task = service.get_task(session=session, task_id=task_id)
    service.assign_owner(
        session=session,
        task=task,
        owner=body.owner,
        actor=user,
        now=clock.now(),
        if_match=parse_if_match(if_match),
        expected=body.version,
    )
    return _answer(session, task, response)


@router.post("/handover-tasks/{task_id}/complete")
def complete_task(
    task_id: IdPath,
    body: CompleteIn,
    session: SessionDep,
    user: Worker,
    clock: ClockDep,
    response: Response,
    if_match: IfMatch = None,
) -> TaskOut:
    """Complete an open task on evidence (409 when already done); audited."""
    task = service.get_task(session=session, task_id=task_id)
    service.complete(
        session=session,
        task=task,
        evidence=[e.model_dump(exclude_none=True) for e in body.evidence],
        reason=body.reason,
        actor=user,
        now=clock.now(),
        if_match=parse_if_match(if_match),
        expected=body.version,
    )
    return _answer(session, task, response)


def _answer(session: Session, task: HandoverTask, response: Response) -> TaskOut:
    """The changed task, its version as the ETag for the next If-Match."""
    response.headers["ETag"] = etag(task.version)
    return present.task_out(session, task)
