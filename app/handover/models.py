"""Handover checklist tasks, one per item per replaced service line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONType


class HandoverTask(Base):
    """A handover item of a service component case: owner, status and evidence when done."""

    __tablename__ = "handover_task"
    __table_args__ = (UniqueConstraint("case_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    """The service component case whose line is handed over."""
    item: Mapped[str] = mapped_column(String(40))
    """A key of app/handover/items.py ITEMS."""
    title: Mapped[str] = mapped_column(String(200))
    mandatory: Mapped[bool] = mapped_column(default=True)
    """A mandatory open item keeps the exit from confirming the contract has ended."""
    owner: Mapped[str | None] = mapped_column(String(100))
    """The user name of whoever is to get it done."""
    status: Mapped[str] = mapped_column(String(10), default="open")
    """open or done (app/handover/items.py TASK_STATUSES)."""
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    completed_by: Mapped[str | None] = mapped_column(String(100))
    completed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    """Bumped on every change; optimistic concurrency (ETag)."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
