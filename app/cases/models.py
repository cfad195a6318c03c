"""Cases (workflow instances), components of a decomposed contract, idempotent responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONType

# The workflow with at most one open case per contract: two reviews would race. Named here
# because a partial unique index holds it; `workflows check` verifies it (workflows/named.py).
ONE_OPEN_WORKFLOW = "contract_review"
OPEN_REVIEW = f"workflow = '{ONE_OPEN_WORKFLOW}' AND NOT final"


class Case(Base):
    """One workflow instance about a contract or one of its components."""

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_workflow_state", "workflow", "state"),
        # One open review per contract (ONE_OPEN_WORKFLOW): the service checks it
        # first for a clear message; this index makes two concurrent openings lose one.
        Index(
            "uq_case_one_open_review",
            "contract_id",
            unique=True,
            sqlite_where=text(OPEN_REVIEW),
            postgresql_where=text(OPEN_REVIEW),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(100))
    workflow_version: Mapped[str] = mapped_column(String(64))
    """The definition version the case is pinned to."""
    state: Mapped[str] = mapped_column(String(100))
    final: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(300))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    component_id: Mapped[int | None] = mapped_column(ForeignKey("component.id"), index=True)
    route: Mapped[str | None] = mapped_column(String(50))
    """Delivery route of a component case, once proposed."""
    assignee: Mapped[str | None] = mapped_column(String(100), index=True)
    """User name of the person who holds the case."""
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    """Values gathered by transitions (route, dates, outcomes)."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    """Optimistic concurrency: bumped by every change (ETag)."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": version}


class Component(Base):
    """A separable service line of a contract: the unit of re-delivery."""

    __tablename__ = "component"
    __table_args__ = (UniqueConstraint("review_case_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    review_case_id: Mapped[int] = mapped_column(Integer, index=True)
    """The contract review case it was decomposed from."""
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class ComponentDependency(Base):
    """One service line needs another of the same review live first (issue 14)."""

    __tablename__ = "component_dependency"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), primary_key=True)
    """The component case that waits."""
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("case.id"), primary_key=True, index=True)
    """The component case that must be live first."""
    created_at: Mapped[datetime]


class IdempotencyRecord(Base):
    """The stored response of a POST sent with an Idempotency-Key."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    body_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the request body: a retry must send the same body."""
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSONType)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    """ETag, Location and the like, so a replay is the same response."""
    created_at: Mapped[datetime]
