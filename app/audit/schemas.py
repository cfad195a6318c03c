"""Audit event representations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    """An audit event as the REST contract names its fields."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    seq: int
    at: datetime
    actor: str
    roles: list[str]
    action: str
    case_id: int | None
    contract_id: int | None
    trigger: str | None
    from_state: str | None
    to_state: str | None
    reason: str | None
    evidence: list[dict[str, Any]]
    details: dict[str, Any]
    prev_hash: str
    hash: str
    key_id: str | None = None
    """The audit key that signed the event; null for events of the public scheme before keys."""


class VerifyOut(BaseModel):
    """Result of recomputing the chain."""

    ok: bool
    events: int
    first_bad: int | None
    problem: str | None = None
    strays: list[int] = []
    """Rows that sit at a position the chain already holds (not part of it), the first 100."""
    anchored_seq: int | None = None
    """The last anchored position outside the database the chain was checked against."""
    since_seq: int | None = None
    """With since_checkpoint: the verified checkpoint the walk started from."""
