"""/api/cases: open, read, list, transitions, decomposition, events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.audit import service as audit
from app.audit.schemas import AuditEventOut
from app.auth.roles import Role
from app.cases import components, service
from app.cases.deps import CtxDep
from app.cases.models import Case
from app.cases.present import case_out, transition_options
from app.cases.schemas import (
    CaseCreate,
    CaseOut,
    ComponentCreate,
    TransitionOption,
    TransitionRequest,
    TransitionResult,
)
from app.errors import Forbidden
from app.etag import IfMatch, etag, parse_if_match
from app.idempotency import run_once
from app.jsonbody import StrictJSONRoute
from app.pagination import (
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
    keyset_page,
)
from app.params import IdPath, IdQuery

router = APIRouter(prefix="/api/cases", tags=["cases"], route_class=StrictJSONRoute)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        # Documented; app.idempotency refuses other keys with a 400.
        json_schema_extra={"pattern": r"^[\x21-\x7e][\x20-\x7e]{0,199}$"},
    ),
]
OPENERS = frozenset({Role.programme_manager, Role.admin})
DECOMPOSERS = frozenset({Role.programme_manager, Role.service_owner, Role.admin})


def _require(ctx: CtxDep, roles: frozenset[Role]) -> None:
    if not ctx.actor.has_any(roles):
        raise Forbidden(
            f"this needs one of the roles: {', '.join(sorted(roles))}", code="role_required"
        )


def _post_once(
    ctx: CtxDep,
    key: str | None,
    path: str,
    body: BaseModel,
    run: Callable[[], tuple[int, BaseModel, dict[str, str]]],
) -> JSONResponse:
    """A case POST under its Idempotency-Key: `run` once, its response replayed for the key."""
    return run_once(
        session=ctx.session,
        actor=ctx.actor,
        key=key,
        method="POST",
        path=path,
        body=body,
        now=ctx.clock.now(),
        run=run,
    )


def _created(ctx: CtxDep, case: Case) -> tuple[int, CaseOut, dict[str, str]]:
    """201 with the new case, its version as the ETag and its URL as the Location."""
    headers = {"ETag": etag(case.version), "Location": f"/api/cases/{case.id}"}
    return 201, case_out(ctx, case, full=True), headers


@router.post("", status_code=201, response_model=CaseOut)
def open_case(body: CaseCreate, ctx: CtxDep, key: IdempotencyKey = None) -> JSONResponse:
    """Open a case of a workflow about a contract; 201."""
    _require(ctx, OPENERS)

    def run() -> tuple[int, CaseOut, dict[str, str]]:
        case = service.open_case(
            ctx,
            workflow=body.workflow,
            contract_id=body.contract_id,
            title=body.title,
            assignee=body.assignee,
        )
        return _created(ctx, case)

    return _post_once(ctx, key, "/api/cases", body, run)


@router.get("")
def list_cases(
    ctx: CtxDep,
    workflow: str | None = None,
    state: str | None = None,
    contract_id: IdQuery = None,
    parent_id: IdQuery = None,
    assignee: str | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CaseOut]:
    """Cases by id, filtered by workflow, state, contract, parent and assignee."""
    stmt = service.list_query(
        workflow=workflow,
        state=state,
        contract_id=contract_id,
        parent_id=parent_id,
        assignee=assignee,
        after_id=decode_cursor(cursor),
    )
    return keyset_page(ctx.session, stmt, limit, lambda c: case_out(ctx, c))


@router.get("/{case_id}")
def get_case(case_id: IdPath, ctx: CtxDep, response: Response) -> CaseOut:
    """The case with state, version (also the ETag), children, deadlines and roll-up."""
    case = service.get(session=ctx.session, case_id=case_id)
    response.headers["ETag"] = etag(case.version)
    return case_out(ctx, case, full=True)


@router.get("/{case_id}/transitions")
def list_transitions(case_id: IdPath, ctx: CtxDep) -> list[TransitionOption]:
    """Every trigger from the current state for the caller, with blocked_by when not allowed."""
    return transition_options(ctx, service.get(session=ctx.session, case_id=case_id))


@router.post("/{case_id}/transitions", response_model=TransitionResult)
def fire_transition(
    case_id: IdPath,
    body: TransitionRequest,
    ctx: CtxDep,
    key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Fire a trigger; 200 with the case and the audit event recording it."""
    expected = parse_if_match(if_match)

    def run() -> tuple[int, TransitionResult, dict[str, str]]:
        case = service.get(session=ctx.session, case_id=case_id)
        event = service.transition(
            ctx,
            case=case,
            trigger=body.trigger,
            reason=body.reason,
            data=body.data,
            evidence=[e.model_dump(exclude_none=True) for e in body.evidence],
            expected_version=body.expected_version,
            if_match=expected,
        )
        result = TransitionResult(
            case=case_out(ctx, case, full=True), event=AuditEventOut.model_validate(event)
        )
        return 200, result, {"ETag": etag(case.version)}

    return _post_once(ctx, key, f"/api/cases/{case_id}/transitions", body, run)


@router.post("/{case_id}/components", status_code=201, response_model=CaseOut)
def add_component(
    case_id: IdPath, body: ComponentCreate, ctx: CtxDep, key: IdempotencyKey = None
) -> JSONResponse:
    """Decompose: record a service line of the contract and open its child case; 201."""
    _require(ctx, DECOMPOSERS)

    def run() -> tuple[int, CaseOut, dict[str, str]]:
        parent = service.get(session=ctx.session, case_id=case_id)
        child = components.decompose(
            ctx, parent=parent, name=body.name, description=body.description, route=body.route
        )
        return _created(ctx, child)

    return _post_once(ctx, key, f"/api/cases/{case_id}/components", body, run)


@router.get("/{case_id}/events")
def case_events(
    case_id: IdPath, ctx: CtxDep, limit: Limit = 500, cursor: Cursor = None
) -> Page[AuditEventOut]:
    """The case's audit events, oldest first."""
    service.get(session=ctx.session, case_id=case_id)
    rows, more = audit.list_events(
        session=ctx.session, limit=limit, case_id=case_id, after_seq=decode_cursor(cursor)
    )
    return Page(
        items=[AuditEventOut.model_validate(r) for r in rows],
        next=encode_cursor(rows[-1].seq) if more else None,
    )
