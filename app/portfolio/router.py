"""/api/components/{id}/money, /api/contracts/{id}/money and /api/portfolio."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from app.auth.deps import ClockDep, CurrentUser, SettingsDep, require_roles
from app.auth.roles import Role
from app.auth.service import Actor
from app.contracts.currencies import ISO_4217
from app.db.session import SessionDep
from app.errors import Unprocessable
from app.jsonbody import StrictJSONRoute
from app.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from app.params import IdPath
from app.portfolio import report, service
from app.portfolio.present import contract_money_out, line_out
from app.portfolio.queries import Filters
from app.portfolio.report_csv import to_csv
from app.portfolio.report_schemas import CliffEdge, PortfolioOut
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


Buyer = Annotated[str | None, Query(max_length=200, description="Part of the buyer's name.")]
Tier = Annotated[int | None, Query(ge=1, le=3, description="Contract tier (1 most critical).")]
Currency = Annotated[
    str,
    Query(
        json_schema_extra={"enum": sorted(ISO_4217)},
        description="Figures are in this currency; lines in others are counted apart.",
    ),
]
Year = Annotated[
    int | None,
    Query(ge=1990, le=2200, description="Financial year by its first year (2026 is 2026-27)."),
]


def _filters(buyer: str | None, tier: int | None, currency: str) -> Filters:
    if currency not in ISO_4217:
        raise Unprocessable(
            f"{currency} is not an ISO 4217 currency code",
            problems=[{"field": "currency", "message": "unknown currency"}],
        )
    return Filters(currency=currency, buyer=buyer or None, tier=tier)


@router.get(
    "/api/portfolio",
    response_model=PortfolioOut,
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"},
        **_doc(c401="No or invalid token", c422="Invalid filter, with every problem"),
    },
)
def get_portfolio(
    session: SessionDep,
    _user: CurrentUser,
    clock: ClockDep,
    buyer: Buyer = None,
    tier: Tier = None,
    year: Year = None,
    currency: Currency = "GBP",
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Any:
    """Annual spend by standing, route, supplier and year; savings; extensions; what is due."""
    built = report.build(session, _filters(buyer, tier, currency), year, clock.today())
    if format == "csv":
        name = f"portfolio-{built.financial_year_label}.csv"
        return Response(
            to_csv(built),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return built


@router.get(
    "/api/portfolio/cliff-edges",
    responses=_doc(
        c400="A cursor this service did not issue",
        c401="No or invalid token",
        c422="Invalid filter, with every problem",
    ),
)
def get_cliff_edges(
    session: SessionDep,
    _user: CurrentUser,
    clock: ClockDep,
    settings: SettingsDep,
    buyer: Buyer = None,
    tier: Tier = None,
    rating: Annotated[Literal["red", "amber", "green"] | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CliffEdge]:
    """Contracts with lines still without an approved route, soonest hard stop first, rated
    red (cannot be ready), amber (ready with under 180 days to spare) or green."""
    offset = decode_cursor(cursor) or 0
    edges = report.cliff_edges(
        session, _filters(buyer, tier, "GBP"), clock.today(), rating, offset, limit + 1, settings
    )
    more = len(edges) > limit
    return Page(items=edges[:limit], next=encode_cursor(offset + limit) if more else None)
