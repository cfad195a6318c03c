"""The checklist's SQL: tasks of a case, one task, open mandatory items of many cases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.cases.models import Case
from app.contracts.models import Contract
from app.deadlines.service import EXIT_WORKFLOW
from app.handover.items import exit_date
from app.handover.models import HandoverTask


def tasks_of(session: Session, case_id: int) -> list[HandoverTask]:
    """The case's tasks, in the order they were opened."""
    stmt = select(HandoverTask).where(HandoverTask.case_id == case_id).order_by(HandoverTask.id)
    return list(session.scalars(stmt))


def task(session: Session, task_id: int) -> HandoverTask | None:
    """One task by id, or None."""
    return session.get(HandoverTask, task_id)


def exit_date_of(session: Session, case_id: int) -> date | None:
    """The exit date the case's tasks count back from (items.exit_date says which)."""
    row = session.execute(
        select(Case.data, Case.contract_id, Contract.end_date)
        .outerjoin(Contract, Contract.id == Case.contract_id)
        .where(Case.id == case_id)
    ).first()
    if row is None:
        return None
    data, contract_id, end = row
    exits = session.scalars(
        select(Case.data).where(
            Case.contract_id == contract_id,
            Case.workflow == EXIT_WORKFLOW,
            Case.state != "cancelled",
        )
    )
    return exit_date(data or {}, [d or {} for d in exits], end)


def open_mandatory(session: Session, case_ids: Sequence[int]) -> dict[int, list[str]]:
    """For each case, the titles of its open mandatory tasks (cases with none left out)."""
    if not case_ids:
        return {}
    stmt = (
        select(HandoverTask.case_id, HandoverTask.title)
        .where(
            HandoverTask.case_id.in_(list(case_ids)),
            HandoverTask.mandatory.is_(True),
            HandoverTask.status == "open",
        )
        .order_by(HandoverTask.case_id, HandoverTask.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for case_id, title in session.execute(stmt):
        found[case_id].append(title)
    return dict(found)


def user_exists(session: Session, name: str) -> bool:
    """Whether a user of that login name exists (an owner must be someone)."""
    return session.scalar(select(User.id).where(User.name == name)) is not None
