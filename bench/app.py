"""The service as deployed, plus a baseline endpoint doing the same writes with plain SQL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import text

from app.auth.deps import get_current_user
from app.auth.service import Actor
from app.db.session import SessionDep
from app.errors import Conflict
from app.main import create_app

app = create_app()


@app.post("/bench/baseline/{case_id}")
def baseline(
    case_id: int,
    expected_version: int,
    session: SessionDep,
    _user: Annotated[Actor, Depends(get_current_user)],
) -> dict[str, int]:
    """One UPDATE by primary key with a version check and one INSERT: no engine, no ORM."""
    done = session.execute(
        text('UPDATE "case" SET version = version + 1 WHERE id = :id AND version = :v'),
        {"id": case_id, "v": expected_version},
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("stale version", code="stale_version")
    session.execute(
        text("INSERT INTO bench_event (case_id, version) VALUES (:id, :v)"),
        {"id": case_id, "v": expected_version + 1},
    )
    return {"version": expected_version + 1}
