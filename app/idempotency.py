"""Idempotency-Key: a retried POST gets the stored response instead of acting twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.service import Actor
from app.cases.models import IdempotencyRecord
from app.errors import BadRequest, Unprocessable

MAX_KEY = 200


def _fingerprint(method: str, path: str, body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


class ModelResponse(JSONResponse):
    """A response rendered by pydantic straight to JSON bytes, without a dict in between."""

    def render(self, content: Any) -> bytes:
        """The model's JSON (the same document `model_dump(mode="json")` would give)."""
        if isinstance(content, BaseModel):
            return content.model_dump_json().encode()
        return super().render(content)


def run_once(
    *,
    session: Session,
    actor: Actor,
    key: str | None,
    method: str,
    path: str,
    body: BaseModel,
    now: datetime,
    run: Callable[[], tuple[int, BaseModel, dict[str, str]]],
) -> JSONResponse:
    """Run `run` once per (user, key); replay its response for the same request body."""
    if key is None:
        status, out, headers = run()
        return ModelResponse(out, status_code=status, headers=headers)
    if not key.strip() or len(key) > MAX_KEY or not key.isprintable():
        raise BadRequest(f"Idempotency-Key must be 1-{MAX_KEY} printable characters")
    fingerprint = _fingerprint(method, path, body)
    stored = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == actor.id, IdempotencyRecord.key == key
        )
    )
    if stored is not None:
        if stored.body_hash != fingerprint:
            raise Unprocessable(
                "this Idempotency-Key was already used with a different request",
                code="idempotency_key_reused",
            )
        content: dict[str, Any] = stored.response
        replayed = {**(stored.headers or {}), "Idempotent-Replayed": "true"}
        return JSONResponse(content, status_code=stored.status_code, headers=replayed)
    status, out, headers = run()
    content = out.model_dump(mode="json")
    # A concurrent first use of the same key fails the unique constraint: 409, nothing done.
    session.add(
        IdempotencyRecord(
            user_id=actor.id,
            key=key,
            method=method,
            path=path,
            body_hash=fingerprint,
            status_code=status,
            response=content,
            headers=headers,
            created_at=now,
        )
    )
    session.flush()
    return JSONResponse(content, status_code=status, headers=headers)
