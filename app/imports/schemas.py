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


class ContactPointOut(BaseModel):
    """One OCDS contact point: a person or desk at a party."""

    name: str | None
    email: str | None
    telephone: str | None
    fax_number: str | None
    url: str | None


class PartyContactsOut(BaseModel):
    """A party of the release: the organisation, its roles, and its contact points."""

    id: str | None
    name: str | None
    roles: list[str]
    contact_points: list[ContactPointOut]
    """Empty when the caller's roles do not see contact points (see `redacted`)."""


class ContactsOut(BaseModel):
    """The contact points of a contract's latest OCDS release, as the caller may see them."""

    contract_id: int
    release_id: str | None
    """The release they come from; null for a contract that was never imported."""
    parties: list[PartyContactsOut]
    redacted: bool
    """True when the caller's roles do not see contact points: they are left out."""
