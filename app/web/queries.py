"""The reads the pages need beyond the API's own (SQL stays out of the page routers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.models import User
from app.cases.models import Case
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.deadlines.models import Deadline
from app.portfolio import behind
from app.portfolio.queries import Filters as MoneyFilters

PAGE_SIZE = 25
SORTS = {
    "end_date": (Contract.end_date.asc().nulls_last(), Contract.id),
    "-end_date": (Contract.end_date.desc().nulls_last(), Contract.id),
    "reference": (Contract.reference, Contract.id),
    "title": (Contract.title, Contract.id),
}


@dataclass(frozen=True)
class ContractFilters:
    """The contracts list's GET form, as typed values."""

    q: str | None = None
    buyer: str | None = None
    supplier: str | None = None
    ends_after: date | None = None
    ends_before: date | None = None
    tier: int | None = None
    sort: str = "end_date"
    # The contracts behind a portfolio figure (all three None: no money filter).
    standing: str | None = None
    year: int | None = None
    lead_supplier: str | None = None

    def behind_figure(self) -> bool:
        """Whether the list is narrowed to the contracts behind a portfolio figure."""
        return self.year is not None or self.lead_supplier is not None


def contracts_page(
    session: Session, filters: ContractFilters, page: int
) -> tuple[list[Contract], int]:
    """One page of contracts matching the filters, in the chosen order, and the total."""
    stmt = contracts.list_query(
        q=filters.q,
        supplier=filters.supplier,
        buyer=filters.buyer,
        ends_before=filters.ends_before,
        ends_after=filters.ends_after,
    )
    if filters.tier is not None:
        stmt = stmt.where(Contract.tier == filters.tier)
    if filters.behind_figure():
        year = filters.year if filters.year is not None else 0
        ids = behind.contract_ids(
            MoneyFilters(currency="GBP"),
            standing=filters.standing,
            year=year,
            supplier=filters.lead_supplier,
        )
        stmt = stmt.where(Contract.id.in_(ids))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    ordered = stmt.order_by(None).order_by(*SORTS.get(filters.sort, SORTS["end_date"]))
    rows = session.scalars(ordered.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(rows), total


def cases_of_contract(session: Session, contract_id: int) -> list[Case]:
    """Every case about a contract, parents before children."""
    return list(
        session.scalars(select(Case).where(Case.contract_id == contract_id).order_by(Case.id))
    )


def open_cases(session: Session, limit: int = 500) -> list[Case]:
    """Open cases, most recently changed first (My work filters them by role)."""
    stmt = select(Case).where(Case.final.is_(False)).order_by(Case.updated_at.desc()).limit(limit)
    return list(session.scalars(stmt))


def deadlines_due(session: Session, today: date, days: int = 90) -> list[Deadline]:
    """Pending deadlines up to `days` ahead (and any already passed), soonest first."""
    return list(
        session.scalars(
            select(Deadline)
            .where(Deadline.status == "pending", Deadline.date <= today + timedelta(days=days))
            .order_by(Deadline.date, Deadline.id)
            .limit(100)
        )
    )


def contract_titles(session: Session, ids: set[int]) -> dict[int, str]:
    """Contract references and titles by id, for labelling deadlines and cases."""
    if not ids:
        return {}
    rows = session.execute(
        select(Contract.id, Contract.reference, Contract.title).where(Contract.id.in_(ids))
    )
    return {r.id: f"{r.reference}: {r.title}" for r in rows}


def last_change(session: Session, contract_id: int) -> AuditEvent | None:
    """The newest change of a contract's terms (who changed it, and what)."""
    return session.scalar(
        select(AuditEvent)
        .where(AuditEvent.contract_id == contract_id, AuditEvent.action == "contract.updated")
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )


def case_events(session: Session, case_id: int) -> list[AuditEvent]:
    """A case's audit events, newest first."""
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq.desc())
        )
    )


def display_names(session: Session, names: set[str]) -> dict[str, str]:
    """People's display names by login name."""
    if not names:
        return {}
    rows = session.execute(select(User.name, User.display_name).where(User.name.in_(names)))
    return {r.name: r.display_name or r.name for r in rows}
