"""GET /healthz: what a load balancer asks before sending traffic."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool

from app.db.admission import Admission
from app.db.readiness import describe_missing, missing_migrations
from app.error_handlers import RETRY_AFTER

router = APIRouter(tags=["ops"])
_RETRY = {"Retry-After": RETRY_AFTER}


@router.get(
    "/healthz",
    responses={503: {"description": "The database cannot be reached or lacks migrations"}},
)
async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not (or is at capacity)."""
    state = request.app.state
    # On SQLite the read-only pool answers: a probe need not wait behind the writer.
    reader = state.reader_engine is not None
    admission: Admission = state.reader_admission if reader else state.admission
    # Through admission like every request: a flood of probes blocked on the pool in threads
    # would otherwise starve the requests that hold connections.
    async with admission.slot():
        return await run_in_threadpool(_probe, state.reader_engine if reader else state.engine)


def _probe(engine: Engine) -> JSONResponse:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            missing = missing_migrations(conn)
    except Exception as exc:  # the probe's whole point is to report any failure
        body = {
            "status": "unavailable",
            "error": "database_unavailable",
            "detail": f"the database cannot be reached ({type(exc).__name__})",
        }
        return JSONResponse(body, status_code=503, headers=_RETRY)
    if missing:  # every request would fail on the tables it lacks
        detail = f"the database {describe_missing(missing)}"
        return JSONResponse(
            {"status": "unavailable", "error": "database_not_migrated", "detail": detail},
            status_code=503,
            headers=_RETRY,
        )
    return JSONResponse({"status": "ok"})
