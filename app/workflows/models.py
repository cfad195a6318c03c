"""Stored workflow definition versions: a case stays on the version it opened on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONType


class WorkflowVersion(Base):
    """One version of a workflow definition, kept so its cases can be served after edits."""

    __tablename__ = "workflow_definition"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(64))
    """Content hash of the definition document."""
    label: Mapped[str] = mapped_column(String(100))
    """Human label from the file (e.g. "2")."""
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    """The parsed definition document, re-parsed to serve old versions."""
    registered_at: Mapped[datetime]
