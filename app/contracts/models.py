"""Incumbent contracts and their suppliers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, JSONType


class Contract(Base):
    """An incumbent IT contract a public body wants to leave."""

    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("buyer_name", "reference"),
        Index("ix_contract_end_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100))
    """The buyer's own reference; unique per buyer."""
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    buyer_name: Mapped[str] = mapped_column(String(300))
    buyer_identifier: Mapped[str | None] = mapped_column(String(200))
    """Org identifier such as GB-GOR-… when known."""
    value_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    value_currency: Mapped[str | None] = mapped_column(String(3))
    """ISO 4217 code."""
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    """Current end date, before any unexercised extension."""
    max_end_date: Mapped[date | None]
    """Latest possible end with every extension (OCDS maxExtentDate)."""
    date_signed: Mapped[date | None]
    notice_period_days: Mapped[int | None]
    termination_assistance_notice_days: Mapped[int | None]
    """Days before expiry by which the buyer must call for exit services by a termination
    assistance notice (Cabinet Office Model Services Contract, Schedule 8.5 Exit Management;
    CCS Call-Off Schedule 10 Exit Management). None: not recorded or no such term."""
    notice_in_working_days: Mapped[bool] = mapped_column(default=False)
    """Whether the notice period counts working days (on `calendar`)."""
    calendar: Mapped[str] = mapped_column(
        String(20), default="england_wales", server_default="england_wales"
    )
    """Bank holidays the contract's own notice periods count on: england_wales (the
    default), scotland or northern_ireland, as the contract names."""
    regime: Mapped[str] = mapped_column(String(10), default="pcr2015", server_default="pcr2015")
    """The law it was let under: pcr2015, pa2023 or other (see app/contracts/regime.py)."""
    renewal: Mapped[str | None] = mapped_column(String(20))
    """How the term can continue: fixed_term, buyer_option or automatic (None: not recorded).
    Deadlines and reminders are worded to match: a UK public contract does not roll on."""
    agreement: Mapped[str] = mapped_column(
        String(10), default="contract", server_default="contract"
    )
    """contract (call-offs included), framework or dps: only contracts are exited, so a
    framework or dynamic purchasing system is kept and searchable but has no deadlines."""
    break_clauses: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    """[{date, notice_days}]"""
    extension_options: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    """[{months, notice_days}] in the order they can be exercised."""
    tier: Mapped[int | None]
    """Contract tier 1 (most critical) to 3, set at triage."""
    exit_plan_url: Mapped[str | None] = mapped_column(String(2000))
    ocid: Mapped[str | None] = mapped_column(String(200), unique=True)
    """Open Contracting id when imported from OCDS."""
    source: Mapped[str] = mapped_column(String(20), default="manual")
    """manual or ocds."""
    version: Mapped[int] = mapped_column(default=1)
    """Bumped on every change; optimistic concurrency (ETag)."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    suppliers: Mapped[list[ContractSupplier]] = relationship(
        back_populates="contract",
        cascade="all, delete-orphan",
        order_by="ContractSupplier.position",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}

    ocds_release_id: Mapped[str | None] = mapped_column(String(300))
    """Id of the OCDS release the imported terms come from (the newest applied)."""
    ocds_release_date: Mapped[datetime | None]
    """Date of that release: an import applies only releases newer than this."""
    ocds_dates_source: Mapped[str | None] = mapped_column(String(20))
    """Where the dates came from: contracts (period), awards (contractPeriod) or tender."""
    ocds_source_file: Mapped[str | None] = mapped_column(String(500))
    """The file (or upload name) that release was imported from."""
    amendments: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'")
    )
    """OCDS amendments seen across imported releases: [{id, date, rationale, description, path}]."""
    terms_verified_at: Mapped[datetime | None]
    """When a person confirmed the terms from the signed contract; None: unverified (an
    import's dates may already include extensions, so deadlines from them are unverified)."""
    terms_verified_by: Mapped[str | None] = mapped_column(String(200))
    """Who confirmed them (the user name), or who registered the contract by hand."""
    terms_hints: Mapped[list[str]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'")
    )
    """Unverified hints about the real terms, read from the release's text and tender period
    (app/imports/ocds_hints.py), e.g. "end date may include 2 x 1-year extensions"."""


class ContractSupplier(Base):
    """A supplier named on a contract."""

    __tablename__ = "contract_supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300), index=True)
    companies_house_number: Mapped[str | None] = mapped_column(String(8))
    award_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    """This supplier's own award value when the OCDS release gives one (parties[].x_awardValue,
    or the value of an award naming only this supplier); null when unknown or a placeholder."""
    award_currency: Mapped[str | None] = mapped_column(String(3))

    contract: Mapped[Contract] = relationship(back_populates="suppliers")
