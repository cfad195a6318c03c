"""Turning contract rows into their REST representation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.cases.summaries import contract_cases
from app.contracts.models import Contract
from app.contracts.money import amount_text
from app.contracts.schemas import ContractOut, ContractSummary, MoneyOut
from app.deadlines.actions import deadline_outs, scope_deadlines


def contract_summary(contract: Contract) -> ContractSummary:
    """The contract as lists show it: its terms, without deadlines and cases."""
    return ContractSummary(
        id=contract.id,
        reference=contract.reference,
        title=contract.title,
        description=contract.description,
        buyer={"name": contract.buyer_name, "identifier": contract.buyer_identifier},
        suppliers=[
            {"name": s.name, "companies_house_number": s.companies_house_number}
            for s in contract.suppliers
        ],
        value=(
            MoneyOut(amount=amount_text(contract.value_amount), currency=contract.value_currency)
            if contract.value_amount is not None and contract.value_currency is not None
            else None
        ),
        start_date=contract.start_date,
        end_date=contract.end_date,
        max_end_date=contract.max_end_date,
        date_signed=contract.date_signed,
        notice_period_days=contract.notice_period_days,
        notice_in_working_days=contract.notice_in_working_days,
        termination_assistance_notice_days=contract.termination_assistance_notice_days,
        calendar=contract.calendar,
        regime=contract.regime,
        agreement=contract.agreement,
        renewal=contract.renewal,
        break_clauses=contract.break_clauses,
        extension_options=contract.extension_options,
        tier=contract.tier,
        exit_plan_url=contract.exit_plan_url,
        ocid=contract.ocid,
        source=contract.source,
        terms_verified=contract.terms_verified_at is not None,
        terms_verified_at=contract.terms_verified_at,
        terms_verified_by=contract.terms_verified_by,
        terms_hints=list(contract.terms_hints or []),
        version=contract.version,
        created_at=contract.created_at,
        updated_at=contract.updated_at,
    )


def contract_out(contract: Contract, session: Session) -> ContractOut:
    """One contract as the API shows it, with its deadlines and cases."""
    out = ContractOut(**dict(contract_summary(contract)))
    # Its own deadlines and its cases', by date; then the cases about it.
    out.deadlines = deadline_outs(
        session, scope_deadlines(session=session, contract_id=contract.id, include_cases=True)
    )
    out.cases = contract_cases(session, contract.id)
    return out
