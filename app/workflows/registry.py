"""Which workflow definitions exist: the current files, and every version cases are pinned to."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.migrate import ROOT
from app.engine import DefinitionError, WorkflowDefinition, load_directory, parse_definition
from app.errors import Conflict, NotFound
from app.workflows.models import WorkflowVersion


def workflows_path(setting: str) -> Path:
    """The workflows directory; a relative setting is relative to the repository root."""
    path = Path(setting)
    return path if path.is_absolute() else ROOT / path


class WorkflowRegistry:
    """Current definitions from disk plus a cache of stored versions (thread-safe)."""

    def __init__(self, current: dict[str, WorkflowDefinition]) -> None:
        self.current = current
        self._versions: dict[tuple[str, str], WorkflowDefinition] = {
            d.key: d for d in current.values()
        }
        self._lock = threading.Lock()

    @classmethod
    def from_directory(cls, setting: str) -> WorkflowRegistry:
        """Load and validate every definition file (DefinitionError lists all problems)."""
        return cls(load_directory(workflows_path(setting)))

    def latest(self, name: str) -> WorkflowDefinition:
        """The definition currently on disk, or 404."""
        defn = self.current.get(name)
        if defn is None:
            known = ", ".join(sorted(self.current)) or "none"
            raise NotFound(f"no workflow named {name!r}; known: {known}", code="unknown_workflow")
        return defn

    def get(self, session: Session, name: str, version: str) -> WorkflowDefinition:
        """A definition at a version: from memory, else from the stored document."""
        cached = self._versions.get((name, version))
        if cached is not None:
            return cached
        body = session.scalar(
            select(WorkflowVersion.body).where(
                WorkflowVersion.name == name, WorkflowVersion.version == version
            )
        )
        if body is None:
            raise NotFound(f"workflow {name} has no version {version!r}", code="unknown_version")
        try:
            defn = parse_definition(body, f"{name}@{version}")
        except DefinitionError as exc:
            # A stored version can outlive a guard or action it names: say so, and how out.
            raise Conflict(
                f"workflow {name} version {version} no longer loads"
                f" ({exc.problems[0].path}: {exc.problems[0].message}); move its cases with"
                f" 'handover workflows migrate {name} --to <version>'",
                code="workflow_version_unloadable",
            ) from exc
        with self._lock:
            self._versions[defn.key] = defn
        return defn

    def resolve_version(
        self, session: Session, name: str, version_or_label: str
    ) -> WorkflowDefinition:
        """A stored or current version named by its hash or its label."""
        self.latest(name)
        current = self.current[name]
        if version_or_label in (current.version, current.label):
            return current
        rows = session.scalars(
            select(WorkflowVersion).where(
                WorkflowVersion.name == name,
                (WorkflowVersion.version == version_or_label)
                | (WorkflowVersion.label == version_or_label),
            )
        ).all()
        if len(rows) != 1:
            what = "is ambiguous" if rows else "does not exist"
            raise NotFound(f"version {version_or_label!r} of {name} {what}", code="unknown_version")
        return self.get(session, name, rows[0].version)

    def versions(self, session: Session, name: str) -> list[WorkflowVersion]:
        """Every stored version of a workflow, oldest first."""
        return list(
            session.scalars(
                select(WorkflowVersion)
                .where(WorkflowVersion.name == name)
                .order_by(WorkflowVersion.id)
            )
        )


def ensure_stored(session: Session, defn: WorkflowDefinition, now: datetime) -> None:
    """Store a definition version the first time a case uses it."""
    exists = session.scalar(
        select(WorkflowVersion.id).where(
            WorkflowVersion.name == defn.name, WorkflowVersion.version == defn.version
        )
    )
    if exists is not None:
        return
    try:
        # A savepoint: another request may store the same version at the same moment.
        with session.begin_nested():
            session.add(
                WorkflowVersion(
                    name=defn.name,
                    version=defn.version,
                    label=defn.label,
                    title=defn.title,
                    body=dict(defn.body),
                    registered_at=now,
                )
            )
    except IntegrityError:
        pass
