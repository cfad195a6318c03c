"""/api/audit: events, CSV export and chain verification."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from app.audit import service
from app.audit.schemas import AuditEventOut, VerifyOut
from app.auth.deps import CurrentUser
from app.db.session import SessionDep
from app.jsonbody import StrictJSONRoute
from app.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from app.params import IdQuery, InstantQuery

router = APIRouter(prefix="/api/audit", tags=["audit"], route_class=StrictJSONRoute)

CSV_COLUMNS = list(AuditEventOut.model_fields)


CSV_EXPORT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}
"""How `?format=csv` answers, for the OpenAPI document."""


@router.get("/events", response_model=Page[AuditEventOut], responses=CSV_EXPORT)
def list_events(
    session: SessionDep,
    _user: CurrentUser,
    case_id: IdQuery = None,
    contract_id: IdQuery = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    since: InstantQuery = None,
    until: InstantQuery = None,
    format: Literal["json", "csv"] = "json",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuditEventOut] | StreamingResponse:
    """Audit events oldest first; `?format=csv` exports every matching event."""
    filters = {
        "case_id": case_id,
        "contract_id": contract_id,
        "actor": actor,
        "action": action,
        "since": since,
        "until": until,
    }
    if format == "csv":
        return StreamingResponse(
            # Read inside the request's transaction; the session closes before streaming.
            _csv_rows(
                [
                    AuditEventOut.model_validate(e)
                    for e in service.iter_events(session=session, **filters)
                ]
            ),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="audit-events.csv"'},
        )
    rows, more = service.list_events(
        session=session, limit=limit, after_seq=decode_cursor(cursor), **filters
    )
    return Page(
        items=[AuditEventOut.model_validate(r) for r in rows],
        next=encode_cursor(rows[-1].seq) if more else None,
    )


def _csv_rows(events: list[AuditEventOut]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        row = event.model_dump(mode="json")
        writer.writerow(
            json.dumps(row[c]) if isinstance(row[c], list | dict) else row[c] for c in CSV_COLUMNS
        )
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


@router.get("/verify")
def verify(session: SessionDep, _user: CurrentUser, since_checkpoint: bool = False) -> VerifyOut:
    """Recompute the chain against its anchors and name the first event that breaks it."""
    result = service.verify(session=session, since_checkpoint=since_checkpoint)
    return VerifyOut(
        ok=result.ok,
        events=result.events,
        first_bad=result.first_bad,
        problem=result.problem,
        strays=list(result.strays),
        anchored_seq=result.anchored_seq,
        since_seq=result.since_seq,
    )
