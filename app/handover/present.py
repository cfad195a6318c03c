"""Handover tasks as the API shows them, with their due dates from the exit date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.handover import queries
from app.handover.items import BY_KEY, due_date
from app.handover.models import HandoverTask
from app.handover.schemas import TaskOut


def tasks_out(session: Session, case_id: int) -> list[TaskOut]:
    """Every task of the case, due dates counted back from the line's exit date."""
    exit_date = queries.exit_date_of(session, case_id)
    return [_out(t, exit_date) for t in queries.tasks_of(session, case_id)]


def task_out(session: Session, task: HandoverTask) -> TaskOut:
    """One task."""
    return _out(task, queries.exit_date_of(session, task.case_id))


def _out(task: HandoverTask, exit_date: date | None) -> TaskOut:
    item = BY_KEY.get(task.item)
    return TaskOut(
        id=task.id,
        case_id=task.case_id,
        item=task.item,
        title=task.title,
        mandatory=task.mandatory,
        owner=task.owner,
        status="done" if task.status == "done" else "open",
        due_date=due_date(task.item, exit_date),
        source=item.source if item else "",
        evidence=list(task.evidence or []),
        completed_by=task.completed_by,
        completed_at=task.completed_at,
        version=task.version,
    )
