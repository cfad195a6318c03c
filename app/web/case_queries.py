"""The cases list's reads: one page of cases by workflow, state and the contract's buyer/tier."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cases import service
from app.cases.models import Case
from app.portfolio.queries import Filters, narrowed


def cases_page(
    session: Session,
    *,
    workflow: str | None,
    state: str | None,
    buyer: str | None,
    tier: int | None,
    page: int,
    page_size: int,
) -> tuple[list[Case], int]:
    """One page of the matching cases by id, and how many match in all.

    Buyer and tier narrow the case's contract as the portfolio's approvals waiting do."""
    stmt = service.list_query(workflow=workflow, state=state)
    if buyer or tier is not None:
        stmt = stmt.where(*narrowed(Case.contract_id, Filters("GBP", buyer, tier)))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = list(session.scalars(stmt.offset((page - 1) * page_size).limit(page_size)))
    return rows, total
