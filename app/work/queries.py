"""The reads behind "my work" (SQL stays here, out of the service and the routers)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.cases.context import TRANSITIONED
from app.cases.models import Case
from app.contracts.models import Contract
from app.deadlines.models import Deadline, InAppNotification


def open_cases(session: Session, limit: int = 500) -> list[Case]:
    """Open cases, most recently changed first (my work filters them by role)."""
    stmt = select(Case).where(Case.final.is_(False)).order_by(Case.updated_at.desc()).limit(limit)
    return list(session.scalars(stmt))


def deadlines_due(session: Session, today: date, days: int = 90) -> list[Deadline]:
    """Pending deadlines up to `days` ahead (and any already passed), soonest first."""
    return list(
        session.scalars(
            select(Deadline)
            .where(Deadline.status == "pending", Deadline.date <= today + timedelta(days=days))
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
