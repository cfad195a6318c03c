"""Response bodies of /api/imports."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class SkippedRelease(BaseModel):
    """A release left out of the import, and why."""

    path: str
    release_id: str | None
    ocid: str | None
    reason: str


class ImportedContract(BaseModel):
    """A contract the file touched and what happened to it."""

    id: int
    ocid: str
    outcome: Literal["created", "updated", "unchanged"]


class ImportReportOut(BaseModel):
    """What one OCDS file did; counts are per release."""

    file: str
    releases: int
    created: int
    updated: int
    unchanged: int
    tender_only: int = 0
    """Releases skipped as pipeline entries (a tender, no award or contract yet)."""
    skipped: list[SkippedRelease]
    contracts: list[ImportedContract]
