"""The OpenAPI document, made to describe what the service really answers.

FastAPI documents a route's success and its own 422 shape. Handover answers every error in one
shape ({"error", "detail", "problems"?}) and with codes FastAPI cannot see: 401 from the token
dependency, 403 from role checks, 404 from unknown ids, 409 from state and versions, 412 from
If-Match, 413/415 from the body, 429 from the failed-authentication brake, 503 from admission
and an unreachable database. They are derived here, in one place, from what each route
declares (its dependencies, parameters and body), so a new route is documented by being
written, not by a hand list in every router.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.auth.deps import get_current_user

SECURITY_SCHEME = "bearerToken"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "A snake_case code a program can test."},
        "detail": {"type": "string", "description": "A sentence for a person."},
        "problems": {
            "type": "array",
            "description": "Per field or per guard: what is wrong and where.",
            "items": {"type": "object"},
        },
    },
}
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer", "minimum": 0}}}
DESCRIPTIONS = {
    400: "Malformed request: invalid JSON, cursor or If-Match, or a NUL character",
    401: "No token, or a token that is unknown, expired or revoked",
    403: "The caller's roles do not allow this",
    404: "No such resource",
    409: "Wrong state, stale version or a conflicting change",
    412: "If-Match names a version other than the current one",
    413: "Request body above the size limit",
    415: "Request body in a media type this operation does not read",
    422: "Validation or guard failure; `problems` lists each field or guard",
    429: "Too many failed authentications from this address or for this token; wait Retry-After",
    503: "The database is unavailable or at capacity; retry after Retry-After seconds",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}}},
    429: _RETRY_AFTER,
    503: _RETRY_AFTER,
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _headers(dependant: Dependant) -> set[str]:
    names = {p.alias.lower() for p in dependant.header_params}
    for sub in dependant.dependencies:
        names |= _headers(sub)
    return names


def api_routes(app: FastAPI) -> Iterator[Any]:
    """Every API route of the app with its effective path (included routers flattened)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context


def error_statuses(route: Any, method: str) -> set[int]:
    """Every error status the route can answer for `method`, from what it declares."""
    calls = list(_calls(route.dependant))
    authenticated = get_current_user in calls
    has_body = route.body_field is not None or "requestBody" in (route.openapi_extra or {})
    # Every request passes the NUL and body-size checks; /api also passes admission.
    out = {400, 422} if route.path_format.startswith("/api/") else {400}
    if route.path_format.startswith("/api/") or route.path_format == "/healthz":
        out.add(503)
    if authenticated:
        out |= {401, 429}
    role_gated = any(getattr(c, "required_roles", None) for c in calls)
    if authenticated and (role_gated or method in WRITE_METHODS):
        out.add(403)
    if route.dependant.path_params or method in WRITE_METHODS:
        out.add(404)  # an id in the path, or one a write's body refers to
    if method in WRITE_METHODS:
        out.add(409)
    if "if-match" in _headers(route.dependant):
        out |= {409, 412}
    if has_body:
        out |= {413, 415, 422}
    return out


def _not_null(param: dict[str, Any]) -> None:
    # An optional header or query value is sent by leaving it out; no request can send null.
    branches = param.get("schema", {}).get("anyOf")
    if param.get("in") in {"header", "query"} and isinstance(branches, list):
        kept = [b for b in branches if b != {"type": "null"}]
        if len(kept) == 1:
            rest = {k: v for k, v in param["schema"].items() if k != "anyOf"}
            param["schema"] = {**kept[0], **rest}


def _error_response(status: int) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if status in HEADERS:
        doc["headers"] = HEADERS[status]
    return doc


def describe(app: FastAPI, schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error shape, every error status per operation and the bearer scheme."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    # The app never sends FastAPI's own validation shape.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    components["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (hov_…) from `handover users create` or `users token`.",
        }
    }
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        for method in route.methods:
            operation = schema["paths"][route.path_format].get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(route, method)):
                declared = responses.get(str(status), {})
                responses[str(status)] = {**_error_response(status), **declared}
                if status == 422:  # FastAPI's default points at HTTPValidationError
                    responses["422"]["content"] = _error_response(422)["content"]
            for param in operation.get("parameters", []):
                _not_null(param)
            if get_current_user in _calls(route.dependant):
                operation["security"] = [{SECURITY_SCHEME: []}]
    return schema


def install(app: FastAPI) -> None:
    """Serve the described document at /openapi.json (built once, on first request)."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(app, plain())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
