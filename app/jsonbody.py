"""Strict JSON request bodies: values every database stores and reads back unchanged.

The standard parser accepts NaN and Infinity (not JSON), turns 1e400 into infinity and
lets a string carry NUL, which PostgreSQL refuses in text and JSONB. Such values would
reach the database as a 500, or be stored in a form that reads back differently from
what the audit chain hashed. They are refused here, at the edge, with the JSON path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from app.errors import BadRequest, Refusal, Unprocessable

MAX_DEPTH = 32


class BodyValueError(ValueError):
    """A JSON value Handover will not store, with where it is."""

    def __init__(self, path: tuple[str | int, ...], message: str, kind: str) -> None:
        super().__init__(message)
        self.path, self.message, self.kind = path, message, kind


def _no_constant(name: str) -> float:
    raise BodyValueError((), f"{name} is not a JSON number", "json_invalid")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyValueError((), f"the number {text[:40]} is too large", "json_invalid")
    return value


def check_value(value: Any, path: tuple[str | int, ...] = ()) -> None:
    """Refuse NUL characters in strings and keys, and nesting deeper than MAX_DEPTH."""
    if isinstance(value, str):
        if "\x00" in value:
            raise BodyValueError(path, "text may not contain the NUL character", "value_error")
        return
    if len(path) >= MAX_DEPTH and isinstance(value, dict | list):
        raise BodyValueError(path, f"nested deeper than {MAX_DEPTH} levels", "value_error")
    if isinstance(value, dict):
        for key, item in value.items():
            check_value(key, (*path, key))
            check_value(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_value(item, (*path, index))


def strict_loads(raw: bytes | str) -> Any:
    """Parse JSON, refusing NaN, Infinity, overflowing numbers, NUL and deep nesting."""
    value = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    check_value(value)
    return value


class StrictJSONRequest(Request):
    """A request whose JSON body is parsed by `strict_loads`."""

    async def json(self) -> Any:
        """The body, strictly parsed; refusals become 400 or 422 with the JSON path."""
        if not hasattr(self, "_json"):
            try:
                self._json = strict_loads(await self.body())
            except RecursionError:
                raise _refusal(BodyValueError((), "nested too deeply", "json_invalid")) from None
            except BodyValueError as exc:
                raise _refusal(exc) from None
        return self._json


def _refusal(exc: BodyValueError) -> Refusal:
    if exc.kind == "json_invalid":
        detail = f"the body is not valid JSON: {exc.message}"
        return Refusal(BadRequest(detail, code="malformed_json"))
    field = ".".join(str(part) for part in exc.path)
    problem = {"field": field, "in": "body", "message": exc.message, "type": exc.kind}
    return Refusal(Unprocessable(f"{field or 'body'}: {exc.message}", problems=[problem]))


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


class StrictJSONRoute(APIRoute):
    """An API route that reads its body with `StrictJSONRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the standard handler so it sees the strict request and known query names only."""
        handler = super().get_route_handler()
        known = _query_names(self.dependant)

        async def strict(request: Request) -> Response:
            # A misspelt filter (?suplier=) would otherwise be ignored and list everything.
            unknown = sorted(set(request.query_params) - known)
            if unknown and request.url.path.startswith("/api/"):
                problems = [
                    {"field": name, "in": "query", "message": "unknown parameter", "type": "extra"}
                    for name in unknown
                ]
                raise Unprocessable(
                    f"unknown query parameter(s): {', '.join(unknown)[:200]}", problems=problems
                )
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
