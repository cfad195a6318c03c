"""/api/deadlines: listing deadlines and the decisions on them (waive, met)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from app.auth.deps import ClockDep, CurrentUser, require_roles
from app.auth.roles import EVIDENCE_ROLES, Role
from app.auth.service import Actor
from app.clock import Clock
from app.db.session import SessionDep
from app.deadlines import actions
from app.deadlines.schemas import (
    DeadlineDetailOut,
    DeadlineOut,
    Resolution,
)
from app.jsonbody import StrictJSONRoute
from app.pagination import Cursor, Limit, Page, offset_page
from app.params import DateQuery, IdPath, IdQuery

router = APIRouter(prefix="/api", tags=["deadlines"], route_class=StrictJSONRoute)

DeadlineStatus = Literal["pending", "met", "waived", "missed", "superseded", "lapsed"]
Kind = Annotated[str | None, Query(max_length=40)]
Waiver = Annotated[
    Actor, Depends(require_roles(Role.senior_responsible_owner, Role.programme_manager))
]
Resolver = Annotated[Actor, Depends(require_roles(*EVIDENCE_ROLES))]


@router.get("/deadlines")
def list_deadlines(
    session: SessionDep,
    _user: CurrentUser,
    before: DateQuery = None,
    after: DateQuery = None,
    kind: Kind = None,
    contract_id: IdQuery = None,
    case_id: IdQuery = None,
    status: DeadlineStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[DeadlineOut]:
    """Deadlines across contracts and cases by date; superseded ones only by `status`."""
    stmt = actions.deadlines_query(
        before=before,
        after=after,
        kind=kind,
        contract_id=contract_id,
        case_id=case_id,
        status=status,
    )
    # (date, id) order: the cursor is the position in it, opaque to clients.
    page = offset_page(session, stmt, limit, cursor, lambda d: d)
    return Page(items=actions.deadline_outs(session, page.items), next=page.next)


@router.get("/deadlines/{deadline_id}")
def get_deadline(deadline_id: IdPath, session: SessionDep, _user: CurrentUser) -> DeadlineDetailOut:
    """One deadline with its resolution."""
    row = actions.get_deadline(session=session, deadline_id=deadline_id)
    return DeadlineDetailOut.model_validate(row)


@router.post("/deadlines/{deadline_id}/waive")
def waive_deadline(
    deadline_id: IdPath, body: Resolution, session: SessionDep, user: Waiver, clock: ClockDep
) -> DeadlineDetailOut:
    """Waive a deadline (a decision with a reason): its reminders and escalation stop."""
    return _resolve(session, deadline_id, "waived", body, user, clock)


@router.post("/deadlines/{deadline_id}/met")
def meet_deadline(
    deadline_id: IdPath, body: Resolution, session: SessionDep, user: Resolver, clock: ClockDep
) -> DeadlineDetailOut:
    """Record that a deadline was met, with evidence: its reminders and escalation stop."""
    return _resolve(session, deadline_id, "met", body, user, clock)


def _resolve(
    session: Session, deadline_id: int, status: str, body: Resolution, user: Actor, clock: Clock
) -> DeadlineDetailOut:
    row = actions.get_deadline(session=session, deadline_id=deadline_id)
    actions.resolve(
        session=session,
        deadline=row,
        status=status,
        actor=user,
        reason=body.reason,
        now=clock.now(),
        evidence=[e.model_dump(exclude_none=True) for e in body.evidence],
    )
    return DeadlineDetailOut.model_validate(row)
