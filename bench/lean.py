"""The lean reference: a minimal FastAPI + SQLAlchemy Core app doing the measured paths' SQL.

No Handover middleware, dependencies, engine or ORM: what the same rows cost in the simplest
service a person would write, served by the same uvicorn on the same database. `make bench`
reports every Handover figure as a ratio to this app's, measured in the same run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    text,
)

URL_ENV = "BENCH_LEAN_DATABASE_URL"

metadata = MetaData()
# The reference's own event table, beside Handover's tables in the same database.
lean_event = Table(
    "lean_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, nullable=False, index=True),
    Column("trigger", String(100), nullable=False),
    Column("from_state", String(100), nullable=False),
    Column("to_state", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("reason", String(5000)),
    Column("at", DateTime(timezone=True), nullable=False),
)

# pingpong's two looping transitions (bench/workflows/pingpong.yaml)
NEXT_STATE = {("ready", "check"): "checked", ("checked", "reset"): "ready"}


def lean_engine(url: str) -> Engine:
    """An engine with SQLite's one-writer discipline (WAL, BEGIN IMMEDIATE on writes)."""
    if not url.startswith("sqlite"):
        return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    # One connection, as Handover: more writers only queue on SQLite's file lock.
    engine = create_engine(
        url,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
        isolation_level="AUTOCOMMIT",
        connect_args={"check_same_thread": False, "timeout": 5},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """One write transaction; on SQLite it takes the write lock at BEGIN."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")


class Fire(BaseModel):
    """The same body Handover's transition endpoint takes."""

    trigger: str
    reason: str | None = None


router = APIRouter()


def _engine(request: Request) -> Engine:
    # Read from app.state, not a dependency: a dependency would add work the reference lacks.
    engine: Engine = request.app.state.engine
    return engine


@router.get("/ping")
async def ping() -> dict[str, str]:
    """The trivial GET: no database, no dependencies."""
    return {"status": "ok"}


@router.post("/cases/{case_id}/transitions")
def fire(case_id: int, body: Fire, request: Request) -> dict[str, Any]:
    """SELECT the row, UPDATE … WHERE version, INSERT an event: one transition's SQL."""
    with write(_engine(request)) as conn:
        row = conn.execute(
            text('SELECT state, version FROM "case" WHERE id = :id'), {"id": case_id}
        ).first()
        if row is None:
            raise HTTPException(404)
        dest = NEXT_STATE.get((row.state, body.trigger))
        if dest is None:
            raise HTTPException(409, "trigger not allowed from this state")
        now = datetime.now(UTC)
        done = conn.execute(
            text(
                'UPDATE "case" SET state = :s, version = version + 1, updated_at = :now'
                " WHERE id = :id AND version = :v"
            ),
            {"s": dest, "now": now, "id": case_id, "v": row.version},
        )
        if done.rowcount != 1:
            raise HTTPException(409, "stale version")
        event_id = conn.execute(
            lean_event.insert().returning(lean_event.c.id),
            {
                "case_id": case_id,
                "trigger": body.trigger,
                "from_state": row.state,
                "to_state": dest,
                "version": row.version + 1,
                "reason": body.reason,
                "at": now,
            },
        ).scalar_one()
    return {
        "case": {"id": case_id, "state": dest, "version": row.version + 1},
        "event": {"id": event_id, "trigger": body.trigger, "at": now.isoformat()},
    }


@router.get("/cases/{case_id}")
def read_case(case_id: int, request: Request) -> dict[str, Any]:
    """The case row and its deadlines: the rows Handover's case page reads."""
    with _engine(request).connect() as conn:
        row = conn.execute(text('SELECT * FROM "case" WHERE id = :id'), {"id": case_id})
        case = row.mappings().first()
        if case is None:
            raise HTTPException(404)
        deadlines = conn.execute(
            text("SELECT * FROM deadline WHERE case_id = :id ORDER BY date"), {"id": case_id}
        )
        return {**case, "deadlines": [dict(d) for d in deadlines.mappings()]}


@router.get("/contracts")
def list_contracts(request: Request, limit: int = 50) -> dict[str, Any]:
    """A page of contract rows with their suppliers, by id."""
    with _engine(request).connect() as conn:
        rows = conn.execute(
            text("SELECT * FROM contract ORDER BY id LIMIT :n"), {"n": limit + 1}
        ).mappings()
        items = [dict(r) for r in rows]
        more = len(items) > limit
        items = items[:limit]
        ids = [c["id"] for c in items]
        suppliers: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        if ids:
            found = conn.execute(
                text(
                    "SELECT contract_id, name, companies_house_number FROM contract_supplier"
                    f" WHERE contract_id IN ({','.join(str(int(i)) for i in ids)})"
                )
            ).mappings()
            for s in found:
                suppliers[s["contract_id"]].append(dict(s))
        for c in items:
            c["suppliers"] = suppliers[c["id"]]
        return {"items": items, "next": str(ids[-1]) if more else None}


def create_lean_app(url: str) -> FastAPI:
    """The reference app on the database at `url` (Handover's tables plus lean_event)."""
    app = FastAPI()
    app.state.engine = lean_engine(url)
    app.include_router(router)
    return app


def from_env() -> FastAPI:
    """`uvicorn --factory bench.lean:from_env`: the app on BENCH_LEAN_DATABASE_URL."""
    return create_lean_app(os.environ[URL_ENV])
