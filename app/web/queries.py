"""The reads the pages need beyond the API's own (SQL stays out of the page routers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.auth.models import User
from app.cases.context import TRANSITIONED
from app.cases.models import Case
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.portfolio import behind
from app.portfolio.queries import Filters as MoneyFilters

PAGE_SIZE = 25
SORTS = {
    "end_date": (Contract.end_date.asc().nulls_last(), Contract.id),
    "-end_date": (Contract.end_date.desc().nulls_last(), Contract.id),
    "reference": (Contract.reference, Contract.id),
    "title": (Contract.title, Contract.id),
}


def page_count(total: int) -> int:
    """How many pages of PAGE_SIZE rows `total` rows fill; at least one, even when empty."""
    return max(1, -(-total // PAGE_SIZE))


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
    route: str | None = None
    moved_in: int | None = None
    savings: str | None = None

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
            route=filters.route,
            moved_in=filters.moved_in,
            savings=filters.savings,
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


def audit_page(
    session: Session, filters: dict[str, Any], page: int
) -> tuple[list[AuditEvent], int]:
    """One page of audit events matching the API's filters, newest first, and the total."""
    stmt = audit.events_query(**filters).order_by(None)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ordered = stmt.order_by(AuditEvent.seq.desc())
    rows = session.scalars(ordered.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(rows), total


def path_taken(session: Session, case_id: int) -> list[tuple[str, str]]:
    """The (from, to) states of a case's transitions, oldest first."""
    rows = session.execute(
        select(AuditEvent.from_state, AuditEvent.to_state)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == TRANSITIONED)
        .order_by(AuditEvent.seq)
    )
    return [(r.from_state, r.to_state) for r in rows if r.from_state and r.to_state]
