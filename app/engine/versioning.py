"""Content-hash versions: any edit to a definition document makes a new version."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any


def _json_default(value: Any) -> Any:
    # YAML turns unquoted 2025-01-31 into a date; store it as the ISO string.
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def canonical_json(doc: Any) -> str:
    """Canonical JSON: sorted keys, no spaces; dates as ISO strings."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), default=_json_default)


def content_version(doc: Any) -> str:
    """First 12 hex digits of the sha256 of the document's canonical JSON."""
    return hashlib.sha256(canonical_json(doc).encode()).hexdigest()[:12]
