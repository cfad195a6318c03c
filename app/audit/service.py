"""Recording and reading audit events."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from operator import eq, ge, gt, lt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit import chain
from app.audit import verify as verifier
from app.audit.models import AuditEvent
from app.audit.setup import setup_for
from app.auth.service import Actor
from app.config import Settings
from app.db.filters import where_given
from app.outbox import service as outbox

SYSTEM_ACTOR = "system"


def record(
    *,
    session: Session,
    actor: Actor | None,
    action: str,
    at: datetime,
    case_id: int | None = None,
    contract_id: int | None = None,
    trigger: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    evidence: Sequence[Mapping[str, Any]] = (),
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction; actor None means the system."""
    return chain.append(
        session,
        {
            "at": at,
            "actor": actor.name if actor else SYSTEM_ACTOR,
            "roles": sorted(actor.roles) if actor else [],
            "action": action,
            "case_id": case_id,
            "contract_id": contract_id,
            "trigger": trigger,
            "from_state": from_state,
            "to_state": to_state,
            "reason": reason,
            "evidence": [dict(e) for e in evidence],
            "details": details or {},
        },
    )


def events_query(
    *,
    case_id: int | None = None,
    contract_id: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after_seq: int | None = None,
) -> Select[AuditEvent]:
    """Events matching the filters, oldest first."""
    return where_given(
        select(AuditEvent).order_by(AuditEvent.seq),
        (AuditEvent.case_id, eq, case_id),
        (AuditEvent.contract_id, eq, contract_id),
        (AuditEvent.actor, eq, actor),
        (AuditEvent.action, eq, action),
        (AuditEvent.at, ge, since),
        (AuditEvent.at, lt, until),
        (AuditEvent.seq, gt, after_seq),
    )


def list_events(*, session: Session, limit: int, **filters: Any) -> tuple[list[AuditEvent], bool]:
    """One page of events and whether more follow."""
    rows = list(session.scalars(events_query(**filters).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def iter_events(*, session: Session, **filters: Any) -> Iterator[AuditEvent]:
    """Every matching event, streamed in batches (CSV export)."""
    yield from session.scalars(events_query(**filters).execution_options(yield_per=500))


def verify(
    *, session: Session, since_checkpoint: bool = False, workers: int = 1
) -> verifier.VerifyResult:
    """Verify the chain of the session's database against its keys and anchors."""
    audit = setup_for(chain.bind_url(session))
    return verifier.verify(
        session.connection(), audit, since_checkpoint=since_checkpoint, workers=workers
    )


def record_checkpoint(
    *,
    session: Session,
    result: verifier.VerifyResult,
    anchor: dict[str, Any],
    now: datetime,
    settings: Settings,
) -> None:
    """Record, as an audited event, the head a verify accepted; send its anchor off-site.

    The signed anchor also goes to the webhook, when one is configured, through the outbox:
    a copy of the checkpoint that neither the database nor the anchor file's host holds.
    """
    record(
        session=session,
        actor=None,
        action="audit.checkpoint",
        at=now,
        details={
            "verified_seq": result.last_seq,
            "verified_hash": result.last_hash,
            "events": result.events,
            "since_seq": result.since_seq,
        },
    )
    outbox.enqueue(
        session=session,
        topic="audit.checkpoint",
        payload=anchor,
        now=now,
        settings=settings,
        key=f"audit.checkpoint:{anchor['seq']}:{anchor['at']}",
    )
