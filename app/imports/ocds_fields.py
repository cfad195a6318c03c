"""Tolerant readers for OCDS field values: blanks, nulls and odd types are common."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.imports.ocds_model import OcdsError

_COH_PREFIXED = re.compile(r"([A-Z]{2})?(\d{1,8})")
_COH_FLOAT = re.compile(r"\d+\.0")
# Contracts Finder fills award descriptions with this boilerplate; it says nothing.
PLACEHOLDER_TEXTS = frozenset({"see description of related tender"})


class Where:
    """Locates errors inside one release: its path prefix, id and ocid."""

    def __init__(self, prefix: str, release: dict[str, Any]) -> None:
        self.prefix = prefix
        self.release_id = ident(release.get("id"))
        ocid = release.get("ocid")
        self.ocid = ocid.strip() if isinstance(ocid, str) and ocid.strip() else None

    def error(self, sub: str, message: str) -> OcdsError:
        """Build an OcdsError for the field at `sub` (relative to the release)."""
        path = f"{self.prefix}.{sub}" if sub else self.prefix
        return OcdsError(
            path, message, release_id=self.release_id, release_path=self.prefix, ocid=self.ocid
        )


def obj(value: Any) -> dict[str, Any]:
    """The value if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def objs(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a list value (non-objects and non-lists give nothing)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def ident(value: Any) -> str | None:
    """An identifier as a non-blank string (ids are sometimes numbers)."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    return text or None


def text(value: Any) -> str | None:
    """Human text, HTML entities decoded, blank or placeholder text as None."""
    if not isinstance(value, str):
        return None
    out = value.strip()
    # Contracts Finder escapes some text twice ("&amp;amp;"); decode until stable.
    for _ in range(3):
        decoded = html.unescape(out)
        if decoded == out:
            break
        out = decoded
    if not out or out.casefold().rstrip(".") in PLACEHOLDER_TEXTS:
        return None
    return out


def first_text(*values: Any) -> str | None:
    """The first value that is usable text."""
    for value in values:
        found = text(value)
        if found is not None:
            return found
    return None


def parse_datetime(where: Where, value: Any, sub: str) -> datetime | None:
    """Parse an OCDS date-time; blank is None, anything unparsable is an error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise where.error(sub, f"date {value!r} is not a string")
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise where.error(sub, f"unparsable date {value!r}") from None


def parse_date(where: Where, value: Any, sub: str) -> date | None:
    """The calendar date as written (not shifted to UTC), so +01:00 midnights stay put."""
    parsed = parse_datetime(where, value, sub)
    return parsed.date() if parsed is not None else None


def aware(moment: datetime) -> datetime:
    """Attach UTC to a naive timestamp: OCDS requires an offset, some publishers omit it."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_amount(where: Where, value: Any, sub: str) -> Decimal | None:
    """A non-negative decimal amount; null/blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise where.error(sub, f"amount {value!r} is not a number")
    try:
        # str() first so a float 0.1 becomes Decimal("0.1"), not its binary expansion.
        amount = Decimal(value if isinstance(value, Decimal) else str(value).strip())
    except InvalidOperation:
        raise where.error(sub, f"amount {value!r} is not a number") from None
    if not amount.is_finite():
        raise where.error(sub, f"amount {value!r} is not a finite number")
    if amount < 0:
        raise where.error(sub, f"negative amount {amount}")
    return amount


def parse_currency(where: Where, value: Any, sub: str) -> str | None:
    """A 3-letter currency code in upper case; null/blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    code = value.strip() if isinstance(value, str) else ""
    if len(code) != 3 or not (code.isascii() and code.isalpha()):
        raise where.error(sub, f"currency {value!r} is not a 3-letter ISO 4217 code")
    return code.upper()


def companies_house_number(raw_id: str) -> str | None:
    """Normalise a GB-COH id to the 8-character register form, or None if it is not one."""
    code = raw_id.strip().upper().replace(" ", "").removeprefix("GB-COH-")
    if _COH_FLOAT.fullmatch(code):
        # Spreadsheet exports turn 01234567 into "1234567.0".
        code = code[:-2]
    match = _COH_PREFIXED.fullmatch(code)
    if match is None:
        return None
    letters = match.group(1) or ""
    digits = match.group(2).zfill(8 - len(letters))
    return letters + digits if len(letters + digits) == 8 else None


def json_native(value: Any) -> Any:
    """Copy parsed JSON replacing Decimals with int/float so json.dumps accepts it."""
    if isinstance(value, dict):
        return {k: json_native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_native(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
