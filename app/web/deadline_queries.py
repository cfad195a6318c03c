"""The deadline reads the Deadlines page needs (SQL stays out of the page router)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.deadlines import actions
from app.deadlines.models import Deadline
from app.portfolio.queries import Filters, narrowed

PICTURE_LIMIT = 500
"""At most so many deadlines are drawn; the table pages through all of them."""


def deadlines_window(
    session: Session,
    *,
    start: date,
    end: date,
    kind: str | None,
    status: str | None,
    page: int,
    buyer: str | None = None,
    tier: int | None = None,
    page_size: int,
    latest_first: bool = False,
) -> tuple[list[Deadline], list[Deadline], int]:
    """Deadlines from start to before end: those to draw, one page for the table, the total.

    Buyer and tier narrow the deadline's contract as the portfolio's due counts do."""
    stmt = actions.deadlines_query(after=start, before=end, kind=kind, status=status)
    if buyer or tier is not None:
        stmt = stmt.where(*narrowed(Deadline.contract_id, Filters("GBP", buyer, tier)))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    drawn = list(session.scalars(stmt.limit(PICTURE_LIMIT)))
    if latest_first:
        stmt = stmt.order_by(None).order_by(Deadline.date.desc(), Deadline.id.desc())
    rows = list(session.scalars(stmt.offset((page - 1) * page_size).limit(page_size)))
    return drawn, rows, total


def deadline_kinds(session: Session) -> list[str]:
    """Every kind of deadline there is, for the filter."""
    return list(session.scalars(select(Deadline.kind).distinct().order_by(Deadline.kind)))
