"""Domain errors: each class carries its status code; one handler renders them all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypeVar

from starlette.exceptions import HTTPException


class DomainError(Exception):
    """A client-visible failure rendered as {"error", "detail", "problems"}."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        problems: Sequence[dict[str, Any]] | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = list(problems or [])
        self.error_code = code or self.code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body of the error response."""
        out: dict[str, Any] = {"error": self.error_code, "detail": self.detail}
        if self.problems:
            out["problems"] = self.problems
        return out


class BadRequest(DomainError):
    """Malformed request."""

    status_code = 400
    code = "bad_request"


class Unauthorized(DomainError):
    """No, malformed, revoked or expired token."""

    status_code = 401
    code = "unauthorized"


class Forbidden(DomainError):
    """The caller's roles do not allow this."""

    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    """Unknown id."""

    status_code = 404
    code = "not_found"


T = TypeVar("T")


def found(value: T | None, what: str, key: object) -> T:
    """`value` itself, or a 404 saying there is no `what` with id `key` (one wording for all)."""
    if value is None:
        raise NotFound(f"no {what} with id {key}")
    return value


class Conflict(DomainError):
    """Wrong state, stale version or duplicate."""

    status_code = 409
    code = "conflict"


class PreconditionFailed(DomainError):
    """If-Match did not match the current version."""

    status_code = 412
    code = "precondition_failed"


class PayloadTooLarge(DomainError):
    """Body above the configured limit."""

    status_code = 413
    code = "payload_too_large"


class Unprocessable(DomainError):
    """Validation or guard failure."""

    status_code = 422
    code = "validation_error"


class Refusal(HTTPException):
    """A DomainError raised where FastAPI lets only HTTPException through (body parsing)."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.status_code, error.detail)
        self.error = error
