"""/api/components/{id}/money, /api/contracts/{id}/money and /api/portfolio."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from app.auth.deps import ClockDep, CurrentUser, require_roles
from app.auth.roles import Role
from app.auth.service import Actor
from app.db.session import SessionDep
from app.jsonbody import StrictJSONRoute
from app.params import IdPath
from app.portfolio import service
from app.portfolio.present import contract_money_out, line_out
from app.portfolio.schemas import ContractMoneyIn, ContractMoneyOut, LineMoneyIn, LineMoneyOut

router = APIRouter(tags=["portfolio"], route_class=StrictJSONRoute)

MoneyEditor = Annotated[
    Actor,
    Depends(
        require_roles(
            Role.programme_manager,
            Role.commercial_lead,
            Role.contract_manager,
            Role.service_owner,
        )
    ),
]


def _doc(**codes: str) -> dict[int | str, dict[str, Any]]:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {int(code[1:]): {"description": why, "content": error} for code, why in codes.items()}


READ_DOC = _doc(c401="No or invalid token", c404="Unknown id")
WRITE_DOC = _doc(
    c401="No or invalid token",
    c403="The caller holds none of the roles that record money",
    c404="Unknown id",
    c409="Stale version, or actuals for a line that has not moved",
    c422="Invalid amounts, currencies, years or dates, with every problem",
)


@router.get("/api/components/{component_id}/money", responses=READ_DOC)
def get_line_money(component_id: IdPath, session: SessionDep, _user: CurrentUser) -> LineMoneyOut:
    """A service line's money: baseline, appraisal, route costs, in-house team, actuals."""
    return line_out(service.get_line(session=session, component_id=component_id))


@router.patch("/api/components/{component_id}/money", responses=WRITE_DOC)
def patch_line_money(
    component_id: IdPath,
    body: LineMoneyIn,
    session: SessionDep,
    user: MoneyEditor,
    clock: ClockDep,
) -> LineMoneyOut:
    """Record a line's money; each group sent replaces the recorded one; audited."""
    line = service.record_line(
        session=session, component_id=component_id, data=body, actor=user, now=clock.now()
    )
    return line_out(line)


@router.get("/api/contracts/{contract_id}/money", responses=READ_DOC)
def get_contract_money(
    contract_id: IdPath, session: SessionDep, _user: CurrentUser
) -> ContractMoneyOut:
    """A contract's annual run-rate from its lines plus the unallocated rest, and its value."""
    contract, money, lines = service.get_contract_money(session=session, contract_id=contract_id)
    return contract_money_out(contract, money, lines)


@router.put("/api/contracts/{contract_id}/money", responses=WRITE_DOC)
def put_contract_money(
    contract_id: IdPath,
    body: ContractMoneyIn,
    session: SessionDep,
    user: MoneyEditor,
    clock: ClockDep,
) -> ContractMoneyOut:
    """Set the contract's annual run cost not allocated to a line; audited."""
    service.record_contract(
        session=session, contract_id=contract_id, data=body, actor=user, now=clock.now()
    )
    contract, money, lines = service.get_contract_money(session=session, contract_id=contract_id)
    return contract_money_out(contract, money, lines)
