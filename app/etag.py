"""ETag / If-Match handling for versioned resources, and the one stale-version check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from app.errors import BadRequest, Conflict, PreconditionFailed

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        # Documented; parse_if_match enforces it with a 400 (malformed), not a 422.
        json_schema_extra={"pattern": r'^(\*|(W/)?"?[0-9]{1,18}"?)$'},
        description="The ETag of the version the change was made against.",
    ),
]
"""The If-Match header as the document states it: `*` or an ETag this API issued."""


def etag(version: int) -> str:
    """The strong ETag of a resource version."""
    return f'"{version}"'


def parse_if_match(header: str | None) -> int | None:
    """The version an If-Match header names; None when absent or '*'."""
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 18:
        raise BadRequest(f"If-Match must be an ETag this API issued, like '\"3\"'; got {header!r}")
    return int(value)


def check_version(what: str, version: int, *, if_match: int | None, expected: int | None) -> None:
    """412 when If-Match names a stale version of `what`, 409 when the body's version is."""
    if if_match is not None and if_match != version:
        raise PreconditionFailed(
            f"If-Match names version {if_match}; the {what} is at version {version}",
            code="stale_version",
        )
    if expected is not None and expected != version:
        raise Conflict(
            f"the change was made against version {expected}; the {what} is at version"
            f" {version}: reload it and try again",
            code="stale_version",
        )
