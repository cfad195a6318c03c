"""The cases about a contract, as the contract's representation lists them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.models import Case
from app.contracts.schemas import CaseSummary


def contract_cases(session: Session, contract_id: int) -> list[CaseSummary]:
    """The cases about a contract, oldest first."""
    rows = session.execute(
        select(Case.id, Case.workflow, Case.state, Case.final)
        .where(Case.contract_id == contract_id)
        .order_by(Case.id)
    )
    return [CaseSummary(id=r.id, workflow=r.workflow, state=r.state, final=r.final) for r in rows]
