"""Moving running cases to another version of their workflow: explicit, audited, dry-runnable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.cases.models import Case
from app.engine import WorkflowDefinition
from app.workflows.registry import WorkflowRegistry, ensure_stored


@dataclass
class MigrationReport:
    """Which running cases moved (or would move) and which cannot, with why."""

    target: str
    moved: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    blocked: list[tuple[int, str]] = field(default_factory=list)


def migrate(
    *,
    session: Session,
    registry: WorkflowRegistry,
    name: str,
    to: str,
    now: datetime,
    dry_run: bool,
) -> MigrationReport:
    """Move every running case of `name` whose state exists in version `to`."""
    target = registry.resolve_version(session, name, to)
    report = MigrationReport(target=target.version)
    running = session.scalars(
        select(Case).where(Case.workflow == name, Case.final.is_(False)).order_by(Case.id)
    )
    if not dry_run:
        ensure_stored(session, target, now)
    for case in running:
        if case.workflow_version == target.version:
            report.already.append(case.id)
            continue
        problem = _why_not(case, target)
        if problem:
            report.blocked.append((case.id, problem))
            continue
        report.moved.append(case.id)
        if not dry_run:
            _move(session, case, target, now)
    return report


def _why_not(case: Case, target: WorkflowDefinition) -> str | None:
    if case.state not in target.states:
        return f"state '{case.state}' does not exist in version {target.version}"
    if target.is_final(case.state):
        return f"state '{case.state}' is final in version {target.version}"
    return None


def _move(session: Session, case: Case, target: WorkflowDefinition, now: datetime) -> None:
    before = case.workflow_version
    case.workflow_version = target.version
    case.updated_at = now
    session.flush()
    audit.record(
        session=session,
        actor=None,
        action="case.migrated",
        at=now,
        case_id=case.id,
        contract_id=case.contract_id,
        from_state=case.state,
        to_state=case.state,
        details={
            "workflow": case.workflow,
            "from_version": before,
            "to_version": target.version,
            "to_label": target.label,
        },
    )
