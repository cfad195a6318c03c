"""Hooks the cases package hangs on others: a contract lists its cases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.models import Case
from app.contracts.models import Contract
from app.contracts.present import contract_extras
from app.contracts.schemas import CaseSummary, ContractOut


def add_contract_cases(session: Session, contract: Contract, out: ContractOut) -> None:
    """Fill a contract's `cases` with the cases about it."""
    rows = session.execute(
        select(Case.id, Case.workflow, Case.state, Case.final)
        .where(Case.contract_id == contract.id)
        .order_by(Case.id)
    )
    out.cases = [
        CaseSummary(id=r.id, workflow=r.workflow, state=r.state, final=r.final) for r in rows
    ]


def install() -> None:
    """Register the hooks once per process."""
    if add_contract_cases not in contract_extras:
        contract_extras.append(add_contract_cases)
