"""ETag / If-Match handling for versioned resources."""

from __future__ import annotations

from app.errors import BadRequest


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
