"""/api/contracts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.orm import Session

from app.auth.deps import ClockDep, CurrentUser, SettingsDep, require_roles
from app.auth.service import Actor
from app.contracts import service, verify
from app.contracts.models import Contract
from app.contracts.present import contract_out, contract_summary
from app.contracts.rules import EDITORS
from app.contracts.schemas import (
    ContractCreate,
    ContractOut,
    ContractPatch,
    ContractSummary,
    TermsConfirm,
)
from app.db.session import SessionDep
from app.etag import IfMatch, etag, parse_if_match
from app.imports.contacts import contacts_for
from app.imports.schemas import ContactsOut
from app.jsonbody import StrictJSONRoute
from app.pagination import Cursor, Limit, Page, decode_cursor, keyset_page
from app.params import DateQuery, IdPath

router = APIRouter(prefix="/api/contracts", tags=["contracts"], route_class=StrictJSONRoute)

Editor = Annotated[Actor, Depends(require_roles(*EDITORS))]
SearchText = Annotated[str | None, Query(max_length=200)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_contract(
    body: ContractCreate,
    session: SessionDep,
    user: Editor,
    clock: ClockDep,
    settings: SettingsDep,
    response: Response,
) -> ContractOut:
    """Register a contract; 201 with its computed deadlines."""
    contract = service.create(
        session=session, data=body, actor=user, now=clock.now(), settings=settings
    )
    response.headers["Location"] = f"/api/contracts/{contract.id}"
    return _answer(session, contract, response)


@router.get("")
def list_contracts(
    session: SessionDep,
    _user: CurrentUser,
    q: SearchText = None,
    supplier: SearchText = None,
    buyer: SearchText = None,
    ends_before: DateQuery = None,
    ends_after: DateQuery = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ContractSummary]:
    """Contracts by id, filtered by text, supplier, buyer and end date; without deadlines and
    cases (the contract itself has them)."""
    stmt = service.list_query(
        q=q,
        supplier=supplier,
        buyer=buyer,
        ends_before=ends_before,
        ends_after=ends_after,
        after_id=decode_cursor(cursor),
    )
    return keyset_page(session, stmt, limit, contract_summary)


@router.get("/{contract_id}")
def get_contract(
    contract_id: IdPath, session: SessionDep, _user: CurrentUser, response: Response
) -> ContractOut:
    """One contract with its deadlines and cases."""
    contract = service.get(session=session, contract_id=contract_id)
    return _answer(session, contract, response)


@router.get("/{contract_id}/contacts")
def get_contacts(contract_id: IdPath, session: SessionDep, user: CurrentUser) -> ContactsOut:
    """The buyer's and suppliers' contact points from the latest OCDS release; only roles that
    deal with them see names, e-mails and phones (`redacted` says when they are left out)."""
    return contacts_for(session=session, contract_id=contract_id, actor=user)


@router.patch("/{contract_id}")
def patch_contract(
    contract_id: IdPath,
    body: ContractPatch,
    session: SessionDep,
    user: Editor,
    clock: ClockDep,
    settings: SettingsDep,
    response: Response,
    if_match: IfMatch = None,
) -> ContractOut:
    """Change terms; audited, deadlines recomputed; If-Match or `version` guards staleness."""
    contract = service.get(session=session, contract_id=contract_id)
    service.update(
        session=session,
        contract=contract,
        patch=body,
        actor=user,
        now=clock.now(),
        settings=settings,
        if_match=parse_if_match(if_match),
    )
    return _answer(session, contract, response)


@router.post("/{contract_id}/terms/confirm")
def confirm_terms(
    contract_id: IdPath,
    body: TermsConfirm,
    session: SessionDep,
    user: Editor,
    clock: ClockDep,
    settings: SettingsDep,
    response: Response,
    if_match: IfMatch = None,
) -> ContractOut:
    """Confirm imported terms from the signed contract, with corrected dates and a note if
    needed; audited; 409 if already confirmed or `version` is stale, 412 on If-Match."""
    contract = service.get(session=session, contract_id=contract_id)
    verify.confirm_terms(
        session=session,
        contract=contract,
        body=body,
        actor=user,
        now=clock.now(),
        settings=settings,
        if_match=parse_if_match(if_match),
    )
    return _answer(session, contract, response)


def _answer(session: Session, contract: Contract, response: Response) -> ContractOut:
    """The contract with its deadlines and cases, its version as the ETag for If-Match."""
    response.headers["ETag"] = etag(contract.version)
    return contract_out(contract, session)
