"""Deadline representations and the decisions on them (waive, met)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.contracts.schemas import DeadlineOut

__all__ = ["DeadlineDetailOut", "DeadlineOut", "Evidence", "Resolution"]

Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=2000)
]


class DeadlineDetailOut(DeadlineOut):
    """A deadline with its resolution."""

    key: str
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None
    resolution_reason: str | None = None


class Evidence(BaseModel):
    """A link or document backing a decision."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None


class Resolution(BaseModel):
    """Why a deadline is waived or met, and on what evidence."""

    reason: Reason
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)
