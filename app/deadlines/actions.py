"""Decisions people take on deadlines (waive, met) and the deadline queries behind the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from operator import eq, ge, lt
from typing import Any, cast

from sqlalchemy import Row, Select, Table, select
from sqlalchemy.orm import Session

from app.auth.service import Actor
from app.config import Settings
from app.contracts.models import Contract
from app.contracts.schemas import DeadlineOut
from app.db.filters import where_given
from app.deadlines import events
from app.deadlines.models import OPEN_STATUSES, Deadline
from app.deadlines.planning import cancel_pending, replan
from app.deadlines.policy import deadline_passed
from app.errors import Conflict, found


def get_deadline(*, session: Session, deadline_id: int) -> Deadline:
    """One deadline or 404."""
    return found(session.get(Deadline, deadline_id), "deadline", deadline_id)


def resolve(
    *,
    session: Session,
    deadline: Deadline,
    status: str,
    actor: Actor,
    reason: str,
    now: datetime,
    evidence: Sequence[dict[str, Any]] = (),
) -> Deadline:
    """Mark an open deadline met or waived: stops reminders and escalation; audited."""
    if deadline.status not in OPEN_STATUSES:
        raise Conflict(
            f"deadline {deadline.id} is {deadline.status}; only pending or missed deadlines"
            f" can be marked {status}",
            code="invalid_state",
        )
    before = deadline.status
    deadline.status, deadline.updated_at = status, now
    deadline.resolved_at, deadline.resolved_by, deadline.resolution_reason = now, actor.name, reason
    cancelled = cancel_pending(session, deadline, now=now)
    session.flush()
    events.record(
        session,
        deadline,
        action=f"deadline.{status}",
        actor=actor,
        now=now,
        from_state=before,
        to_state=status,
        reason=reason,
        evidence=evidence,
        details={"cancelled_reminders": cancelled},
    )
    return deadline


def reopen(
    *,
    session: Session,
    deadline: Deadline,
    actor: Actor,
    reason: str,
    now: datetime,
    settings: Settings,
) -> Deadline:
    """Reopen a waived deadline when the decision that waived it is reversed; audited."""
    if deadline.status != "waived":
        raise Conflict(
            f"deadline {deadline.id} is {deadline.status}; only waived deadlines can be reopened",
            code="invalid_state",
        )
    passed = deadline_passed(deadline.date, now=now, tz=settings.timezone)
    waiver = {"waived_by": deadline.resolved_by, "waiver": deadline.resolution_reason}
    deadline.status, deadline.updated_at = "missed" if passed else "pending", now
    deadline.resolved_at = deadline.resolved_by = deadline.resolution_reason = None
    changes = replan(session, deadline, now=now, settings=settings)
    events.record(
        session,
        deadline,
        action="deadline.reopened",
        actor=actor,
        now=now,
        from_state="waived",
        to_state=deadline.status,
        reason=reason,
        details={
            **waiver,
            "planned_reminders": changes.planned + changes.moved,
        },
    )
    return deadline


def deadlines_query(
    *,
    before: date | None = None,
    after: date | None = None,
    kind: str | None = None,
    contract_id: int | None = None,
    case_id: int | None = None,
    status: str | None = None,
) -> Select[Deadline]:
    """Deadlines by date then id; superseded ones only when asked for by status."""
    stmt = select(Deadline).order_by(Deadline.date, Deadline.id)
    if status is None:
        stmt = stmt.where(Deadline.status != "superseded")
    return where_given(
        stmt,
        (Deadline.status, eq, status),
        (Deadline.date, lt, before),
        (Deadline.date, ge, after),
        (Deadline.kind, eq, kind),
        (Deadline.contract_id, eq, contract_id),
        (Deadline.case_id, eq, case_id),
    )


def scope_deadlines(
    *,
    session: Session,
    contract_id: int | None = None,
    case_id: int | None = None,
    include_cases: bool = False,
) -> list[Row[Any]]:
    """A contract's deadlines (with its cases' if asked) or a case's, by date; no superseded.

    Plain rows on the connection, not ORM objects: every case and contract response lists
    these, including the response to each transition.
    """
    table = cast(Table, Deadline.__table__)
    stmt = select(table).where(table.c.status != "superseded")
    if case_id is not None:
        stmt = stmt.where(table.c.scope == f"case:{case_id}")
    elif include_cases:
        stmt = stmt.where(table.c.contract_id == contract_id)
    else:
        stmt = stmt.where(table.c.scope == f"contract:{contract_id}")
    session.flush()  # the connection does not autoflush, and hooks may have changed rows
    return list(session.connection().execute(stmt.order_by(table.c.date, table.c.id)))


def case_deadlines(session: Session, case_id: int) -> list[DeadlineOut]:
    """A case's deadlines for its REST representation (the case presenter calls this)."""
    return deadline_outs(session, scope_deadlines(session=session, case_id=case_id))


def from_terms(kind: str, case_id: int | None) -> bool:
    """Whether a deadline is derived from the contract's terms (so shares their verification)."""
    # The contract's own deadlines come from its dates; a line's route decision counts back
    # from the contract's end. Deadlines from a case's own dates (assessments) do not.
    return case_id is None or kind == "route_decision"


def unverified_ids(session: Session, deadlines: Sequence[Any]) -> set[int]:
    """Which of these deadlines rest on imported terms no person has confirmed yet.

    One query for the lot: imported terms may already include extensions (issue 14), so
    a deadline computed from them is shown as unverified wherever it is listed.
    """
    termed = [d for d in deadlines if d.contract_id is not None and from_terms(d.kind, d.case_id)]
    if not termed:
        return set()
    unconfirmed = set(
        session.scalars(
            select(Contract.id).where(
                Contract.id.in_({d.contract_id for d in termed}),
                Contract.terms_verified_at.is_(None),
            )
        )
    )
    return {d.id for d in termed if d.contract_id in unconfirmed}


def deadline_outs(session: Session, deadlines: Sequence[Any]) -> list[DeadlineOut]:
    """Deadlines (ORM objects or rows) as the API shows them, each saying if it is unverified."""
    flagged = unverified_ids(session, deadlines)
    return [
        DeadlineOut.model_validate(d).model_copy(update={"unverified": d.id in flagged})
        for d in deadlines
    ]
