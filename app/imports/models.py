"""The raw OCDS releases kept beside imported contracts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONType


class ContractOcdsRelease(Base):
    """One OCDS release applied to a contract, kept verbatim (provenance, re-mapping later)."""

    __tablename__ = "contract_ocds_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True
    )
    release_id: Mapped[str | None] = mapped_column(String(300))
    """The release's own id (a compiled release's id for a record)."""
    release_date: Mapped[datetime]
    source_file: Mapped[str] = mapped_column(String(500))
    """The file or upload name the release was read from."""
    raw: Mapped[dict[str, Any]] = mapped_column(JSONType)
    """The release JSON as published."""
    imported_at: Mapped[datetime]
