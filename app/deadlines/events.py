"""Audit events about one deadline: each names its contract, case, id, kind and date alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.service import Actor
from app.deadlines.models import Deadline


def record(
    session: Session,
    deadline: Deadline,
    *,
    action: str,
    actor: Actor | None,
    now: datetime,
    details: Mapping[str, Any],
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    evidence: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Append `action` about the deadline, its identity first in the details, then `details`."""
    audit.record(
        session=session,
        actor=actor,
        action=action,
        at=now,
        contract_id=deadline.contract_id,
        case_id=deadline.case_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        evidence=evidence,
        details={**identity(deadline), **details},
    )


def identity(deadline: Deadline) -> dict[str, Any]:
    """What names a deadline in an audit event's details."""
    return {"deadline_id": deadline.id, "kind": deadline.kind, "date": deadline.date}
