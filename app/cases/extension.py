"""The signed extension of a retained service line changes the contract itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from app.cases.actions import Fired
from app.cases.ctx import SYSTEM, Ctx
from app.cases.models import Case
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.contracts.schemas import ContractPatch
from app.deadlines.compute import extended_end_date
from app.engine.context import as_date, as_number
from app.errors import Unprocessable


def apply_contract_extension(
    ctx: Ctx, case: Case, _params: Mapping[str, Any], fired: Fired
) -> None:
    """On-enter action: move the contract's end date and value to the extension's.

    Goes through the contract service, so the change is audited as contract.updated with
    before and after, and the contract's deadlines are recomputed, in this transaction.
    """
    if case.contract_id is None:
        return
    contract = contracts.get(session=ctx.session, contract_id=case.contract_id)
    terms = _extended_terms(contract, case.data)
    reason = fired.reason
    why = f"Extension recorded on case {case.id} ({case.title})" + (f": {reason}" if reason else "")
    try:
        patch = ContractPatch.model_validate({**terms, "reason": why[:2000]})
    except ValidationError as error:
        raise Unprocessable(
            f"the extension on case {case.id} cannot be applied to the contract: {error}",
            problems=[{"field": "new_value", "message": "not a valid contract value"}],
        ) from error
    contracts.update(
        session=ctx.session,
        contract=contract,
        patch=patch,
        actor=None if ctx.actor is SYSTEM else ctx.actor,
        now=ctx.clock.now(),
        settings=ctx.settings,
        details={"case_id": case.id, "cause": "extension"},
    )


def _extended_terms(contract: Contract, data: dict[str, Any]) -> dict[str, Any]:
    """The end date, value and remaining extension options once the extension is signed."""
    terms: dict[str, Any] = {}
    new_end = as_date(data.get("new_end_date"))
    if new_end is not None:
        terms["end_date"] = new_end
        if contract.end_date is not None and new_end > contract.end_date:
            terms["extension_options"] = _options_left(
                contract.extension_options, contract.end_date, new_end
            )
    amount = as_number(data.get("new_value"))
    if amount is not None:
        terms["value"] = {
            "amount": amount.quantize(Decimal("0.01")),
            "currency": contract.value_currency or "GBP",
        }
    return terms


def _options_left(options: list[dict[str, Any]], old_end: date, new_end: date) -> list[Any]:
    """Options are exercised in order: drop those the extension to `new_end` used up."""
    used = 0
    left = list(options)
    while left and extended_end_date(old_end, used) < new_end:
        used += int(left.pop(0)["months"])
    return left
