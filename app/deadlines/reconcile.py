"""Reconciling one scope's deadline rows with the deadlines its terms now give, audited.

How resolved deadlines fare when their date moves is in app/deadlines/service.py's notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.service import Actor
from app.config import Settings
from app.db.bulk import insert_objects
from app.deadlines.models import OPEN_STATUSES, Deadline
from app.deadlines.planning import PlanChanges, fresh_reminders, replan
from app.deadlines.policy import deadline_passed
from app.deadlines.terms import DeadlineSpec
from app.delivery.channels import roster_fingerprint

REOPENABLE = (*OPEN_STATUSES, "lapsed")


@dataclass
class SyncReport:
    """What a recomputation changed: deadlines by key, reminders by id."""

    added: list[dict[str, Any]] = field(default_factory=list)
    moved: list[dict[str, Any]] = field(default_factory=list)
    superseded: list[dict[str, Any]] = field(default_factory=list)
    reopened: list[dict[str, Any]] = field(default_factory=list)
    """Waived deadlines whose date moved: open again, for the new date."""
    kept: list[dict[str, Any]] = field(default_factory=list)
    """Met deadlines whose terms now give another date: left met, for their own date."""
    reminders: PlanChanges = field(default_factory=PlanChanges)

    def __bool__(self) -> bool:
        r = self.reminders
        changed = self.added or self.moved or self.superseded or self.reopened or self.kept
        return bool(changed or r.planned or r.moved or r.cancelled)


def sync_scope(
    *,
    session: Session,
    scope: str,
    contract_id: int | None,
    case_id: int | None,
    specs: Sequence[DeadlineSpec],
    now: datetime,
    actor: Actor | None,
    kinds: frozenset[str] | None = None,
    settings: Settings,
    running: bool = True,
    reason: str | None = None,
) -> SyncReport:
    """Reconcile one scope's deadline rows with `specs`, replan reminders, audit the change."""
    report = SyncReport()
    existing = {d.key: d for d in session.scalars(select(Deadline).where(Deadline.scope == scope))}
    wanted = {s.key: s for s in specs}
    added: list[Deadline] = []
    for key, spec in wanted.items():
        row = existing.get(key)
        if row is None:
            added.append(
                _new_row(session, scope, contract_id, case_id, spec, now, settings, running)
            )
        else:
            _reconcile(session, row, spec, report, now=now, settings=settings, running=running)
    # One flush for the new rows (their ids key the reminders); new rows have no reminders
    # to reconcile, only ones to plan.
    session.add_all(added)
    session.flush()
    for row in added:
        report.added.append({"id": row.id, "kind": row.kind, "key": row.key, "date": row.date})
        report.reminders.extend(replan(session, row, now=now, settings=settings, fresh=True))
    for key, row in existing.items():
        if key in wanted or row.status not in OPEN_STATUSES:
            continue
        if kinds is not None and row.kind not in kinds:
            continue
        row.status, row.updated_at = "superseded", now
        report.superseded.append({"id": row.id, "kind": row.kind, "key": key, "date": row.date})
        report.reminders.extend(replan(session, row, now=now, settings=settings))
    session.flush()
    where = {"contract_id": contract_id, "case_id": case_id}
    audit_sync(session, report, actor=actor, now=now, reason=reason, **where)
    return report


def _new_row(
    session: Session,
    scope: str,
    contract_id: int | None,
    case_id: int | None,
    spec: DeadlineSpec,
    now: datetime,
    settings: Settings,
    running: bool,
) -> Deadline:
    row = Deadline(scope=scope, key=spec.key, contract_id=contract_id, case_id=case_id)
    row.kind, row.date, row.detail = spec.kind, spec.date, spec.detail
    row.created_at = row.updated_at = now
    row.status = _open_status(spec.date, now, settings, running=running)
    row.roster = roster_fingerprint(session)  # what replan sets: no second UPDATE
    return row


@dataclass(frozen=True)
class NewScope:
    """A scope with no deadline rows yet (a contract just inserted) and the specs it gets."""

    scope: str
    contract_id: int | None
    case_id: int | None
    specs: Sequence[DeadlineSpec]
    running: bool = True


def add_new_scopes(
    session: Session, scopes: Sequence[NewScope], *, now: datetime, settings: Settings
) -> list[SyncReport]:
    """`sync_scope` for many scopes that hold no rows yet: their deadlines and reminders in
    two bulk INSERTs, rows and ids in the order one `sync_scope` per scope gives.

    Not audited here: the caller records each report with `audit_sync`, in its own order.
    A scope that already holds rows is refused (use `sync_scope`).
    """
    held = session.scalars(
        select(Deadline.scope).where(Deadline.scope.in_([s.scope for s in scopes])).limit(1)
    ).first()
    if held is not None:
        raise ValueError(f"deadline scope {held} already has rows")
    rows = [
        [
            _new_row(session, s.scope, s.contract_id, s.case_id, spec, now, settings, s.running)
            for spec in {spec.key: spec for spec in s.specs}.values()
        ]
        for s in scopes
    ]
    insert_objects(session, [row for group in rows for row in group])
    planned = [
        [fresh_reminders(session, row, now=now, settings=settings) for row in group]
        for group in rows
    ]
    insert_objects(session, [r for group in planned for per_row in group for r in per_row])
    reports = []
    for group, reminders in zip(rows, planned, strict=True):
        report = SyncReport()
        for row, per_row in zip(group, reminders, strict=True):
            report.added.append({"id": row.id, "kind": row.kind, "key": row.key, "date": row.date})
            report.reminders.planned.extend(r.id for r in per_row)
        reports.append(report)
    return reports


def _reconcile(
    session: Session,
    row: Deadline,
    spec: DeadlineSpec,
    report: SyncReport,
    *,
    now: datetime,
    settings: Settings,
    running: bool,
) -> None:
    """Bring an existing deadline row in line with its spec (see the module notes on resolved)."""
    moved = row.date != spec.date
    if row.status == "met" and moved:
        # Met is a fact about the date it was met for: keep that date and its wording.
        report.kept.append({"id": row.id, "key": row.key, "date": row.date, "now": spec.date})
        return
    reopen = row.status == "waived" and moved
    if not (reopen or row.status == "superseded" or (row.status in REOPENABLE and moved)):
        row.detail = spec.detail  # wording only: no reminder changes
        return
    change = {"id": row.id, "key": row.key, "before": row.date, "after": spec.date}
    if reopen:
        # A waiver excuses one dated obligation; the moved date is a new one to meet.
        change |= {"waived_by": row.resolved_by, "waiver": row.resolution_reason}
        row.resolved_at = row.resolved_by = row.resolution_reason = None
    (report.reopened if reopen else report.moved).append(change)
    row.date, row.detail, row.updated_at = spec.date, spec.detail, now
    row.status = _open_status(spec.date, now, settings, running=running)
    row.last_escalated_on = None
    report.reminders.extend(replan(session, row, now=now, settings=settings))


def _open_status(when: date, now: datetime, settings: Settings, *, running: bool) -> str:
    if not deadline_passed(when, now=now, tz=settings.timezone):
        return "pending"
    return "missed" if running else "lapsed"


def audit_sync(
    session: Session,
    report: SyncReport,
    *,
    actor: Actor | None,
    now: datetime,
    contract_id: int | None,
    case_id: int | None,
    reason: str | None = None,
) -> None:
    """Record what a recomputation changed (nothing when it changed nothing)."""
    if not report:
        return
    # Shallow copies: the audit trail stores its own JSON copy (chain.append), and asdict's
    # deep copy was a tenth of a bulk import's time.
    details: dict[str, Any] = {
        f.name: list(getattr(report, f.name)) for f in fields(report) if f.name != "reminders"
    }
    details["reminders"] = {
        f.name: list(getattr(report.reminders, f.name)) for f in fields(report.reminders)
    }
    audit.record(
        session=session,
        actor=actor,
        action="deadline.recomputed",
        at=now,
        contract_id=contract_id,
        case_id=case_id,
        reason=reason,
        details=details,
    )
    if report.reminders.cancelled:
        audit.record(
            session=session,
            actor=actor,
            action="reminder.cancelled",
            at=now,
            contract_id=contract_id,
            case_id=case_id,
            reason=reason or "the deadline moved or is no longer derived from the terms",
            details={"reminder_ids": report.reminders.cancelled},
        )
