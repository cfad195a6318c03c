"""Every error leaves in one JSON shape: {"error", "detail", "problems"?}."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from app.catch import CatchUnexpected
from app.errors import DomainError, Refusal

log = logging.getLogger("handover.errors")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}
RETRY_AFTER = "5"
"""Seconds a client should wait before retrying when the database is unavailable."""


def _json(
    status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_code=status, content=body, headers=headers)


def _domain(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return _json(exc.status_code, exc.body(), exc.headers or None)


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, Refusal):
        return _domain(request, exc.error)
    code = HTTP_CODES.get(exc.status_code, "error")
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 404 and detail == "Not Found":
        detail = "no such endpoint"
    return _json(exc.status_code, {"error": code, "detail": detail}, headers)


def _allowed_methods(request: Request) -> str:
    # Starlette's 405 names only the first route matching the path; a path served by several
    # routes (GET and POST on /api/contracts) allows the methods of them all.
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match == Match.NONE:
            continue
        for context in iter_route_contexts([route]):
            inner, _ = context.matches({**request.scope, "method": "GET"})
            if inner != Match.NONE:
                methods |= context.methods or set()
    return ", ".join(sorted(methods))


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    return ".".join(
        parts[1:] if parts and parts[0] in {"body", "query", "path", "header"} else parts
    )


def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        ctx = errors[0].get("ctx", {})
        return _json(
            400,
            {
                "error": "malformed_json",
                "detail": f"the body is not valid JSON: {ctx.get('error', '')}".strip(),
            },
        )
    problems = [
        {
            "field": _location(e["loc"]),
            "in": str(e["loc"][0]) if e["loc"] else "body",
            "message": e["msg"],
            "type": e["type"],
        }
        for e in errors
    ]
    detail = "; ".join(f"{p['field'] or p['in']}: {p['message']}" for p in problems[:5])
    return _json(422, {"error": "validation_error", "detail": detail, "problems": problems})


def _stale(_request: Request, exc: Exception) -> JSONResponse:
    log.info("concurrent update lost the race: %s", exc)
    return _json(
        409,
        {
            "error": "stale_version",
            "detail": "someone else changed this at the same time; reload and try again",
        },
    )


def _integrity(_request: Request, exc: Exception) -> JSONResponse:
    # A unique constraint lost to a concurrent writer after our pre-checks passed.
    log.info("integrity error: %s", exc)
    return _json(
        409,
        {
            "error": "conflict",
            "detail": "this conflicts with a change made at the same time; reload and try again",
        },
    )


def _data(_request: Request, exc: Exception) -> JSONResponse:
    # Input validation should have refused the value; the database is the last line.
    assert isinstance(exc, DataError)
    log.warning("the database refused a value: %s", exc.orig)
    first_line = str(exc.orig).splitlines()[0] if str(exc.orig) else "invalid value"
    return _json(
        422,
        {"error": "validation_error", "detail": f"a value could not be stored: {first_line}"},
    )


def _unavailable(_request: Request, exc: Exception) -> JSONResponse:
    # Connection refused or lost, locked, timed out: the client's request was fine; retry.
    log.warning("the database is unavailable: %s", exc)
    return _json(
        503,
        {
            "error": "database_unavailable",
            "detail": "the database cannot be reached or did not answer; retry shortly",
        },
        {"Retry-After": RETRY_AFTER},
    )


def install(app: FastAPI) -> None:
    """Register every handler on the app."""
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(DataError, _data)
    app.add_exception_handler(OperationalError, _unavailable)
    app.add_exception_handler(InterfaceError, _unavailable)
    app.add_exception_handler(PoolTimeout, _unavailable)
    # Innermost of the middleware (added before the others), so the access log sees the 500.
    app.add_middleware(CatchUnexpected)
