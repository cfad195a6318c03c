"""The reads behind "my work" (SQL stays here, out of the service and the routers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.cases.context import TRANSITIONED
from app.cases.models import Case
from app.contracts.models import Contract
from app.deadlines.models import OPEN_STATUSES, Deadline, InAppNotification


def open_cases(session: Session, limit: int = 500) -> list[Case]:
    """Open cases, most recently changed first (my work filters them by role)."""
    stmt = select(Case).where(Case.final.is_(False)).order_by(Case.updated_at.desc()).limit(limit)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class Reach:
    """Whose deadlines: the kinds reminded to a person before the date and once it has passed.

    `others_*`: the kinds without a reminder policy of their own (not in `named`) reach them.
    """

    before: frozenset[str]
    after: frozenset[str]
    others_before: bool
    others_after: bool
    named: frozenset[str]
    assignee: str
    """Their user name: the deadlines of cases assigned to them are theirs too."""


def _kinds(reach: Reach, listed: frozenset[str], others: bool) -> ColumnElement[bool]:
    clauses = [Deadline.kind.in_(sorted(listed))] if listed else []
    if others:
        clauses.append(Deadline.kind.not_in(sorted(reach.named)))
    return or_(*clauses) if clauses else false()


def deadlines_due(session: Session, today: date, reach: Reach, days: int = 90) -> list[Deadline]:
    """A person's open deadlines up to `days` ahead (and passed ones), soonest first.

    Theirs: a kind whose reminders reach them (escalations too, once the date has passed),
    or a deadline of a case assigned to them.
    """
    assigned = select(Case.id).where(Case.assignee == reach.assignee)
    mine = or_(
        _kinds(reach, reach.before, reach.others_before),
        and_(Deadline.date < today, _kinds(reach, reach.after, reach.others_after)),
        Deadline.case_id.in_(assigned),
    )
    return list(
        session.scalars(
            select(Deadline)
            .where(
                Deadline.status.in_(OPEN_STATUSES),
                Deadline.date <= today + timedelta(days=days),
                mine,
            )
            .order_by(Deadline.date, Deadline.id)
            .limit(100)
        )
    )


def unread_notifications(
    session: Session, user_id: int, limit: int = 50
) -> list[InAppNotification]:
    """A user's unread in-app notifications, newest first."""
    return list(
        session.scalars(
            select(InAppNotification)
            .where(InAppNotification.user_id == user_id, InAppNotification.read_at.is_(None))
            .order_by(InAppNotification.id.desc())
            .limit(limit)
        )
    )


def contract_titles(session: Session, ids: set[int]) -> dict[int, str]:
    """Contract references and titles by id, for labelling deadlines and cases."""
    if not ids:
        return {}
    rows = session.execute(
        select(Contract.id, Contract.reference, Contract.title).where(Contract.id.in_(ids))
    )
    return {r.id: f"{r.reference}: {r.title}" for r in rows}


def trigger_histories(session: Session, case_ids: set[int]) -> dict[int, dict[str, str]]:
    """For each case, who last fired each trigger (four-eyes), in one query for many cases."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(AuditEvent.case_id, AuditEvent.trigger, AuditEvent.actor)
        .where(AuditEvent.case_id.in_(case_ids), AuditEvent.action == TRANSITIONED)
        .order_by(AuditEvent.seq)
    )
    found: dict[int, dict[str, str]] = {}
    for case_id, trigger, actor in rows:
        if case_id is not None and trigger:
            found.setdefault(case_id, {})[trigger] = actor
    return found
