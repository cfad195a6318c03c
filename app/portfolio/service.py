"""Recording a line's and a contract's money: validated, versioned, audited in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.chain import jsonable
from app.auth.service import Actor
from app.cases.models import Case, Component
from app.contracts.models import Contract
from app.contracts.money import to_cents
from app.contracts.schemas import Money
from app.errors import Conflict, NotFound, Unprocessable
from app.portfolio.models import ContractMoney, LineMoney
from app.portfolio.schemas import ContractMoneyIn, LineMoneyIn
from app.portfolio.states import MOVED

AMOUNT_FIELDS = (
    "baseline_amount",
    "should_cost_amount",
    "comparator_amount",
    "route_run_cost_amount",
    "transition_cost_amount",
    "in_house_run_cost_amount",
    "actual_amount",
)
GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "baseline": ("baseline_amount", "baseline_source", "baseline_year"),
    "appraisal": ("should_cost_amount", "comparator_amount"),
    "route_cost": ("route_run_cost_amount", "transition_cost_amount"),
    "in_house": ("team_size", "in_house_run_cost_amount"),
    "actual": ("actual_amount", "actual_from"),
}


@dataclass
class Line:
    """A component with its case (if opened) and its money (if recorded)."""

    component: Component
    case: Case | None
    money: LineMoney | None


def get_line(*, session: Session, component_id: int) -> Line:
    """The component, its case and its money, or 404."""
    component = session.get(Component, component_id)
    if component is None:
        raise NotFound(f"no component with id {component_id}")
    case = session.scalar(
        select(Case).where(Case.component_id == component_id).order_by(Case.id).limit(1)
    )
    money = session.scalar(select(LineMoney).where(LineMoney.component_id == component_id))
    return Line(component, case, money)


def _amount(m: Money | None, path: str, currencies: list[tuple[str, str]]) -> Decimal | None:
    if m is None:
        return None
    currencies.append((path, m.currency))
    return to_cents(m.amount)


def _group_values(name: str, group: Any, currencies: list[tuple[str, str]]) -> dict[str, Any]:
    """The columns a sent group sets (all None when the group is sent as null)."""
    if group is None:
        return dict.fromkeys(GROUP_FIELDS[name])
    if name == "baseline":
        return {
            "baseline_amount": _amount(group.annual_cost, "baseline.annual_cost", currencies),
            "baseline_source": group.source,
            "baseline_year": group.financial_year,
        }
    if name == "appraisal":
        return {
            "should_cost_amount": _amount(group.should_cost, "appraisal.should_cost", currencies),
            "comparator_amount": _amount(
                group.public_sector_comparator, "appraisal.public_sector_comparator", currencies
            ),
        }
    if name == "route_cost":
        return {
            "route_run_cost_amount": _amount(
                group.annual_run_cost, "route_cost.annual_run_cost", currencies
            ),
            "transition_cost_amount": _amount(
                group.transition_cost, "route_cost.transition_cost", currencies
            ),
        }
    if name == "in_house":
        return {
            "team_size": group.team_size,
            "in_house_run_cost_amount": _amount(
                group.annual_run_cost, "in_house.annual_run_cost", currencies
            ),
        }
    return {
        "actual_amount": _amount(group.annual_cost, "actual.annual_cost", currencies),
        "actual_from": group.from_date,
    }


def _values_of(money: LineMoney | None) -> dict[str, Any]:
    fields = [f for group in GROUP_FIELDS.values() for f in group]
    return {f: getattr(money, f) if money else None for f in fields}


def _currency(
    before: dict[str, Any], after: dict[str, Any], old: str | None, sent: list[tuple[str, str]]
) -> str | None:
    """The line's one currency after the change; 422 naming every amount that differs."""
    kept = [f for f in AMOUNT_FIELDS if after[f] is not None and after[f] == before[f]]
    want = old if (old and kept) else (sent[0][1] if sent else old)
    wrong = [(path, c) for path, c in sent if c != want]
    if wrong:
        raise Unprocessable(
            f"every amount on a line is in one currency ({want})",
            problems=[
                {"field": f"{path}.currency", "message": f"{c} differs from the line's {want}"}
                for path, c in wrong
            ],
        )
    return want


def _check_actual(line: Line, values: dict[str, Any], today: date) -> None:
    if values.get("actual_amount") is None:
        return
    state = line.case.state if line.case else None
    if state not in MOVED:
        raise Conflict(
            f"actuals are recorded once the line has moved ({', '.join(sorted(MOVED))});"
            f" component {line.component.id} is {state or 'without a case'}",
            code="invalid_state",
        )
    if values["actual_from"] > today:
        raise Unprocessable(
            "an actual cost runs from a day that has come",
            problems=[{"field": "actual.from_date", "message": "may not be after today"}],
        )


def _check_version(version: int | None, expected: int | None, what: str) -> None:
    if expected is not None and expected != (version or 0):
        raise Conflict(
            f"the change was made against version {expected}; the {what} is at version"
            f" {version or 0}: reload and try again",
            code="stale_version",
        )


def record_line(
    *, session: Session, component_id: int, data: LineMoneyIn, actor: Actor, now: datetime
) -> Line:
    """Apply the groups sent to a line's money; audited with what changed."""
    line = get_line(session=session, component_id=component_id)
    _check_version(line.money.version if line.money else None, data.version, "line's money")
    sent_groups = data.model_fields_set & set(GROUP_FIELDS)
    currencies: list[tuple[str, str]] = []
    before = _values_of(line.money)
    after = dict(before)
    for name in sorted(sent_groups):
        after.update(_group_values(name, getattr(data, name), currencies))
    changes = {
        k: {"before": jsonable(before[k]), "after": jsonable(after[k])}
        for k in after
        if after[k] != before[k]
    }
    currency = _currency(before, after, line.money.currency if line.money else None, currencies)
    if not changes:
        return line
    _check_actual(line, after, now.date())
    money = line.money
    if money is None:
        money = LineMoney(
            component_id=component_id,
            contract_id=line.component.contract_id,
            created_at=now,
        )
        session.add(money)
        line.money = money
    money.currency = currency or "GBP"
    for k, v in after.items():
        setattr(money, k, v)
    money.updated_at = now
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="line_money.updated" if before != _values_of(None) else "line_money.created",
        at=now,
        case_id=line.case.id if line.case else None,
        contract_id=line.component.contract_id,
        reason=data.reason,
        details={"component_id": component_id, "currency": money.currency, "changes": changes},
    )
    return line


def get_contract_money(
    *, session: Session, contract_id: int
) -> tuple[Contract, ContractMoney | None, list[Line]]:
    """The contract, its unallocated money and its lines, or 404."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(f"no contract with id {contract_id}")
    money = session.scalar(select(ContractMoney).where(ContractMoney.contract_id == contract_id))
    component_ids = session.scalars(
        select(Component.id).where(Component.contract_id == contract_id).order_by(Component.id)
    )
    lines = [get_line(session=session, component_id=cid) for cid in component_ids]
    return contract, money, lines


def record_contract(
    *, session: Session, contract_id: int, data: ContractMoneyIn, actor: Actor, now: datetime
) -> None:
    """Set the contract's unallocated annual run cost; audited."""
    _contract, money, lines = get_contract_money(session=session, contract_id=contract_id)
    _check_version(money.version if money else None, data.version, "contract's money")
    line_currencies = {ln.money.currency for ln in lines if ln.money is not None}
    if line_currencies - {data.unallocated.currency}:
        raise Unprocessable(
            "the unallocated run cost is in the currency of the contract's lines",
            problems=[
                {
                    "field": "unallocated.currency",
                    "message": f"the lines are in {', '.join(sorted(line_currencies))}",
                }
            ],
        )
    amount = to_cents(data.unallocated.amount)
    before = (
        {
            "amount": jsonable(money.unallocated_amount),
            "currency": money.currency,
            "financial_year": money.year,
        }
        if money
        else None
    )
    after = {
        "amount": jsonable(amount),
        "currency": data.unallocated.currency,
        "financial_year": data.financial_year,
    }
    if before == after:
        return
    if money is None:
        money = ContractMoney(contract_id=contract_id, created_at=now)
        session.add(money)
    money.currency = data.unallocated.currency
    money.unallocated_amount = amount
    money.year = data.financial_year
    money.updated_at = now
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="contract_money.updated",
        at=now,
        contract_id=contract_id,
        reason=data.reason,
        details={"before": before, "after": after},
    )
