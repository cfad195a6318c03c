"""Keeping reminders addressed to the people who hold the roles now (delivery's notes)."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit import service as audit
from app.config import Settings
from app.deadlines.models import OPEN_STATUSES, Deadline
from app.deadlines.planning import PlanChanges, retarget
from app.deadlines.policy import DEFAULT_POLICY, POLICY_OVERRIDES
from app.delivery.channels import FALLBACK_ROLES, roster_fingerprint, unheld_roles


def staffing_warnings(session: Session) -> list[str]:
    """Sentences about reminder roles no active user holds, and where those reminders go."""
    policies = [DEFAULT_POLICY, *POLICY_OVERRIDES.values()]
    needed = {r for p in policies for r in (*p.recipient_roles, *p.escalation_roles)}
    missing = unheld_roles(session, needed)
    fallback = next((r for r in FALLBACK_ROLES if r not in missing and _any(session, r)), None)
    out = []
    for role in missing:
        if role in DEFAULT_POLICY.escalation_roles:
            out.append(
                f"no active user holds {role}: escalations also go to the admins"
                if _any(session, "admin")
                else f"no active user holds {role} and there is no admin: escalations go"
                " only to the roles reminded before the deadline"
            )
            continue
        kinds = sorted(k for k, p in POLICY_OVERRIDES.items() if role in p.recipient_roles)
        if role in DEFAULT_POLICY.recipient_roles:
            kinds.insert(0, "the kinds without a policy of their own")
        out.append(
            f"no active user holds {role}: reminders of {', '.join(kinds)} reach only their"
            f" other roles, or {fallback or 'nobody (no senior_responsible_owner or admin)'}"
            " when nobody holds any of them"
        )
    return out


def _any(session: Session, role: str) -> bool:
    return not unheld_roles(session, [role])


def reconcile(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    now: datetime,
    limit: int = 200,
    stop: threading.Event | None = None,
) -> int:
    """Retarget the open deadlines planned for another roster, a batch per transaction.

    Rows another runner holds are skipped (it is doing them). Returns how many deadlines
    were retargeted; each batch that changed reminders is audited.
    """
    done = 0
    while stop is None or not stop.is_set():
        with sessions.begin() as session:
            current = roster_fingerprint(session)
            batch = list(
                session.scalars(
                    select(Deadline)
                    .where(
                        Deadline.status.in_(OPEN_STATUSES),
                        or_(Deadline.roster.is_(None), Deadline.roster != current),
                    )
                    .order_by(Deadline.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            changes = PlanChanges()
            for deadline in batch:
                changes.extend(retarget(session, deadline, now=now, settings=settings))
            _audit(session, changes, now)
        done += len(batch)
        if len(batch) < limit:
            return done
    return done


def _audit(session: Session, changes: PlanChanges, now: datetime) -> None:
    if not (changes.planned or changes.cancelled):
        return
    audit.record(
        session=session,
        actor=None,
        action="reminder.retargeted",
        at=now,
        reason="the people holding the reminder roles changed",
        details={"planned": changes.planned, "cancelled": changes.cancelled},
    )
