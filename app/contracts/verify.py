"""Confirming imported terms from the signed contract: an audited decision by a person.

Contracts Finder's published end date sometimes already includes extensions ("3 years + 1
+ 1, maximum 5"), so imported terms, and the deadlines computed from them, are unverified
until someone who may edit the contract checks them against the contract itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.chain import jsonable
from app.auth.service import Actor
from app.config import Settings
from app.contracts import service
from app.contracts.models import Contract
from app.contracts.schemas import ContractPatch, TermsConfirm
from app.errors import Conflict
from app.etag import check_version

CORRECTABLE = ("start_date", "end_date", "max_end_date")
"""The dates a confirmation may correct; other terms are changed by editing the contract."""


def confirm_terms(
    *,
    session: Session,
    contract: Contract,
    body: TermsConfirm,
    actor: Actor,
    now: datetime,
    settings: Settings,
    if_match: int | None = None,
) -> Contract:
    """Mark the terms verified, applying any corrected dates first; one audit event each."""
    check_version("contract", contract.version, if_match=if_match, expected=body.version)
    if contract.terms_verified_at is not None:
        raise Conflict(
            f"the terms of contract {contract.id} were already confirmed by"
            f" {contract.terms_verified_by or 'the person who registered it'}",
            code="terms_already_verified",
        )
    corrected: dict[str, Any] = {
        k: getattr(body, k) for k in CORRECTABLE if k in body.model_fields_set
    }
    # Set before the corrections flush, so the decision is one versioned write of the row
    # and the recomputed deadlines already count as verified.
    contract.terms_verified_at = now
    contract.terms_verified_by = actor.name
    contract.updated_at = now
    if corrected:
        # Through the ordinary change path: its rules, audit and deadline recomputation. Its
        # uniqueness query must not autoflush the fields above as a write of their own.
        with session.no_autoflush:
            service.update(
                session=session,
                contract=contract,
                patch=ContractPatch.model_validate({**corrected, "reason": body.note}),
                actor=actor,
                now=now,
                settings=settings,
                action="contract.terms_corrected",
            )
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="contract.terms_confirmed",
        at=now,
        contract_id=contract.id,
        reason=body.note,
        details={
            "corrected": jsonable(corrected),
            "hints": list(contract.terms_hints),
            "terms": jsonable({k: getattr(contract, k) for k in CORRECTABLE}),
        },
    )
    return contract
