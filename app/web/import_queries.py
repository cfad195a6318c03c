"""The import history: the OCDS releases applied to contracts, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.contracts.models import Contract
from app.imports.models import ContractOcdsRelease


@dataclass(frozen=True)
class AppliedRelease:
    """One release applied to a contract, by which file and when."""

    contract_id: int
    reference: str
    title: str
    release_id: str | None
    release_date: datetime
    source_file: str
    imported_at: datetime


def history_page(
    session: Session, *, contract_id: int | None, page: int, page_size: int
) -> tuple[list[AppliedRelease], int]:
    """One page of applied releases (of one contract, when given) and the total."""
    stmt = select(
        ContractOcdsRelease.contract_id,
        Contract.reference,
        Contract.title,
        ContractOcdsRelease.release_id,
        ContractOcdsRelease.release_date,
        ContractOcdsRelease.source_file,
        ContractOcdsRelease.imported_at,
    ).join(Contract, Contract.id == ContractOcdsRelease.contract_id)
    if contract_id is not None:
        stmt = stmt.where(ContractOcdsRelease.contract_id == contract_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ordered = stmt.order_by(ContractOcdsRelease.imported_at.desc(), ContractOcdsRelease.id.desc())
    rows = session.execute(ordered.offset((page - 1) * page_size).limit(page_size))
    return [AppliedRelease(*row) for row in rows], total
