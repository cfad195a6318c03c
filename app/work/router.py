"""/api/me/work: the caller's work, from the same service as the home page."""

from __future__ import annotations

from fastapi import APIRouter

from app.cases.deps import CtxDep
from app.engine.model import TransitionDef
from app.jsonbody import StrictJSONRoute
from app.reminders.schemas import NotificationOut
from app.work import service
from app.work.schemas import ActionOut, CaseWorkOut, DueOut, MyWorkOut

router = APIRouter(prefix="/api", tags=["auth"], route_class=StrictJSONRoute)


def _case(item: service.WorkItem, labels: dict[int, str], ts: list[TransitionDef]) -> CaseWorkOut:
    case = item.case
    return CaseWorkOut(
        case_id=case.id,
        title=case.title,
        workflow=case.workflow,
        state=case.state,
        contract_id=case.contract_id,
        contract=labels.get(case.contract_id) if case.contract_id else None,
        assigned_to_me=item.assigned,
        updated_at=case.updated_at,
        actions=[ActionOut(trigger=t.trigger, title=t.title) for t in ts],
    )


@router.get("/me/work")
def my_work(ctx: CtxDep) -> MyWorkOut:
    """The caller's actions, approvals waiting, deadlines due and unread notifications."""
    work = service.my_work(ctx)
    return MyWorkOut(
        actions=[_case(i, work.labels, i.actions) for i in work.items if i.actions or i.assigned],
        approvals=[_case(i, work.labels, i.approvals) for i in work.approvals],
        deadlines=[
            DueOut(
                deadline_id=d.deadline.id,
                kind=d.deadline.kind,
                date=d.deadline.date,
                days=d.days,
                urgency=d.urgency,
                contract_id=d.deadline.contract_id,
                contract=work.labels.get(d.deadline.contract_id or 0),
                case_id=d.deadline.case_id,
            )
            for d in work.deadlines
        ],
        notifications=[NotificationOut.model_validate(n) for n in work.notifications],
    )
