"""ETag / If-Match handling for versioned resources."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from app.errors import BadRequest

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
