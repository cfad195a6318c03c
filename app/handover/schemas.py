"""Request and response bodies of the handover checklist endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.cases.schemas import Evidence, Strict
from app.params import JsonInt

Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=2000)
]
Version = Annotated[int, Field(ge=1, le=2_147_483_647), JsonInt]


class TaskOut(BaseModel):
    """A handover task: the item, its owner, its due date and, once done, its evidence."""

    id: int
    case_id: int
    item: str
    title: str
    mandatory: bool
    owner: str | None
    status: Literal["open", "done"]
    """open until completed with evidence; done is final."""
    due_date: date | None
    """The contract's end date (the exit date) less the item's lead; null when not recorded."""
    source: str
    """The guidance the item comes from."""
    evidence: list[dict[str, Any]]
    completed_by: str | None
    completed_at: datetime | None
    version: int


class TaskList(BaseModel):
    """The tasks of a case, in the order they were opened."""

    items: list[TaskOut]


class OwnerIn(Strict):
    """PATCH /api/handover-tasks/{id}: who is to get the item done."""

    owner: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=100)
    ]
    version: Version | None = None
    """The version the change was made against (or send If-Match)."""


class CompleteIn(Strict):
    """POST /api/handover-tasks/{id}/complete: the evidence that the item is done."""

    evidence: Annotated[list[Evidence], Field(min_length=1, max_length=50)]
    reason: Reason | None = None
    version: Version | None = None
    """The version the change was made against (or send If-Match)."""
