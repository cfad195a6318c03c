"""GET /healthz: what a load balancer asks before sending traffic."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool

from app.db.admission import Admission
from app.db.readiness import describe_missing, missing_migrations
from app.error_handlers import RETRY_AFTER

router = APIRouter(tags=["ops"])
_RETRY = {"Retry-After": RETRY_AFTER}
_OK = {"status": "ok"}
HEALTH_FRESH = timedelta(seconds=1)
"""How long a healthy probe is trusted: an outage shows within this time."""


@router.get(
    "/healthz",
    responses={503: {"description": "The database cannot be reached or lacks migrations"}},
)
async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not (or is at capacity)."""
    state = request.app.state
    # A load balancer probes many times a second: a success is trusted for HEALTH_FRESH
    # seconds, so the database answers one probe in that time. Failures are never kept.
    now: datetime = state.clock.now()
    ok_until: datetime | None = getattr(state, "health_ok_until", None)
    if ok_until is not None and now < ok_until:
        return JSONResponse(_OK)
    response = await _probe_now(state)
    if response.status_code == 200:
        state.health_ok_until = now + HEALTH_FRESH
    return response


async def _probe_now(state: Any) -> JSONResponse:
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
    return JSONResponse(_OK)
