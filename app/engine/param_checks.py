"""Checks on one guard's parameters that read its description, and what a transition takes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.engine.catalog import GUARDS
from app.engine.context import as_date, payload_key
from app.engine.model import GuardRef
from app.engine.params import ParamSpec

# Names end up in Mermaid ids, URLs and audit records: keep them plain identifiers.
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# A limit is what a guard compares the client's value against: it must not come from the
# client too, or a request could carry its own limit.
TRUSTED_PREFIXES = ("contract.", "case.")


def untrusted_references(guard: str, spec: ParamSpec, params: Mapping[str, Any]) -> list[str]:
    """A limit parameter that would be read from the request (it must be trusted)."""
    out: list[str] = []
    for param, value in spec.named(params, "limit"):
        if value == "today" or value.startswith(TRUSTED_PREFIXES):
            continue
        if as_date(value) is None:
            out.append(
                f"parameter '{param.name}' of guard '{guard}' must be today, a contract. or"
                f" case. path, or a date; '{value}' would be read from the request"
            )
    return out


def evidence_kind_problems(what: str, spec: ParamSpec, params: Mapping[str, Any]) -> list[str]:
    """Evidence kinds that are not plain names."""
    return [
        f"evidence kind '{value}' of {what} must be a plain name (letters, digits, underscores)"
        for _param, value in spec.named(params, "evidence_kind")
        if not NAME_RE.match(value)
    ]


def takes(guards: tuple[GuardRef, ...]) -> frozenset[str]:
    """The request fields these guards ask for: what the transition takes into the case."""
    keys: set[str] = set()
    for ref in guards:
        for param, value in GUARDS[ref.name].params.named(ref.params, "field"):
            if param.asks is not None and not param.root and param.of_workflow is None:
                key = payload_key(value)
                keys.update([key] if key else [])
    return frozenset(keys)
