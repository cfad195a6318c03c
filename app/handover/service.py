"""Opening a line's handover checklist, assigning owners and completing items: all audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.service import Actor
from app.cases.models import Case
from app.errors import Conflict, Unprocessable, found
from app.etag import check_version
from app.handover import queries
from app.handover.items import ITEMS, REPLACING_ROUTES
from app.handover.models import HandoverTask


def open_checklist(*, session: Session, case: Case, actor: Actor, now: datetime) -> int:
    """Give a line on a replacing route its checklist once; how many tasks were opened."""
    if case.route not in REPLACING_ROUTES or queries.tasks_of(session, case.id):
        return 0
    for item in ITEMS:
        session.add(
            HandoverTask(
                case_id=case.id,
                item=item.key,
                title=item.title,
                mandatory=item.mandatory,
                status="open",
                evidence=[],
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="handover.checklist_opened",
        at=now,
        case_id=case.id,
        contract_id=case.contract_id,
        details={"route": case.route, "items": [item.key for item in ITEMS]},
    )
    return len(ITEMS)


def get_task(*, session: Session, task_id: int) -> HandoverTask:
    """The task, or 404."""
    return found(queries.task(session, task_id), "handover task", task_id)


def assign_owner(
    *,
    session: Session,
    task: HandoverTask,
    owner: str,
    actor: Actor,
    now: datetime,
    if_match: int | None,
    expected: int | None,
) -> None:
    """Make `owner` (an existing user) responsible for an open task; audited."""
    _require_changeable(task, if_match=if_match, expected=expected)
    if not queries.user_exists(session, owner):
        raise Unprocessable(
            f"no user named {owner!r}",
            code="unknown_user",
            problems=[{"field": "owner", "message": f"no user named {owner!r}"}],
        )
    previous, task.owner = task.owner, owner
    _touch(task, now)
    _audit(
        session,
        task,
        actor,
        now,
        "handover.task_assigned",
        None,
        (),
        {"owner": owner, "previous_owner": previous},
    )


def complete(
    *,
    session: Session,
    task: HandoverTask,
    evidence: Sequence[Mapping[str, Any]],
    reason: str | None,
    actor: Actor,
    now: datetime,
    if_match: int | None,
    expected: int | None,
) -> None:
    """Mark an open task done on the evidence given; audited, and final."""
    _require_changeable(task, if_match=if_match, expected=expected)
    task.status = "done"
    task.evidence = [dict(e) for e in evidence]
    task.completed_by, task.completed_at = actor.name, now
    _touch(task, now)
    _audit(session, task, actor, now, "handover.task_completed", reason, evidence, {})


def _require_changeable(task: HandoverTask, *, if_match: int | None, expected: int | None) -> None:
    """409 unless the client saw the task's current version and the task is still open."""
    check_version("handover task", task.version, if_match=if_match, expected=expected)
    if task.status != "open":
        raise Conflict(f"handover task {task.id} ({task.title}) is already done", code="task_done")


def _touch(task: HandoverTask, now: datetime) -> None:
    task.version += 1
    task.updated_at = now


def _audit(
    session: Session,
    task: HandoverTask,
    actor: Actor,
    now: datetime,
    action: str,
    reason: str | None,
    evidence: Sequence[Mapping[str, Any]],
    details: dict[str, Any],
) -> None:
    case = session.get(Case, task.case_id)
    audit.record(
        session=session,
        actor=actor,
        action=action,
        at=now,
        case_id=task.case_id,
        contract_id=case.contract_id if case is not None else None,
        reason=reason,
        evidence=evidence,
        details={"task_id": task.id, "item": task.item, "version": task.version, **details},
    )
