"""What a Contracts Finder release really is: a contract, a framework, a DPS or only a tender."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal

from app.imports.ocds_fields import obj, objs, text

Agreement = Literal["contract", "framework", "dps"]
# Call-offs (from a framework or a DPS) are contracts with a supplier to exit, even though
# their text names the framework or DPS they came from.
_CALL_OFF = re.compile(
    r"call[\s-]*off|further competition|mini[\s-]*competition|direct award", re.I
)
_DPS = re.compile(r"dynamic purchasing system|\bDPS\b", re.I)
_FRAMEWORK = re.compile(r"framework", re.I)
# More suppliers than this on one award, with no call-off named, is a multi-supplier
# framework rather than one contract (held-out Contracts Finder data: contracts name 1-3).
MAX_CONTRACT_SUPPLIERS = 3
# Contracts Finder placeholders for "not stated": £0, £0.10, £1, £3… No public contract
# worth exiting is under £10, and Contracts Finder publishes contracts from £12,000 (central
# government) or £30,000 (The Public Contracts Regulations 2015, reg. 112 thresholds).
PLACEHOLDER_BELOW = Decimal("10")


def classify(release: dict[str, Any], supplier_count: int) -> Agreement:
    """A release's agreement type from procurementMethodDetails, its titles and suppliers."""
    tender = obj(release.get("tender"))
    words = " ".join(
        t
        for t in (
            text(tender.get("procurementMethodDetails")),
            text(tender.get("title")),
            *(text(a.get("title")) for a in objs(release.get("awards"))),
            *(text(c.get("title")) for c in objs(release.get("contracts"))),
        )
        if t
    )
    if _CALL_OFF.search(words):
        return "contract"
    if _DPS.search(words):
        return "dps"
    if _FRAMEWORK.search(words) or supplier_count > MAX_CONTRACT_SUPPLIERS:
        return "framework"
    return "contract"


def is_tender_only(release: dict[str, Any]) -> bool:
    """Whether the release has no award and no contract yet (a pipeline entry)."""
    return not objs(release.get("awards")) and not objs(release.get("contracts"))


def is_placeholder(amount: Decimal | None) -> bool:
    """Whether an amount is a placeholder for an unknown value (under £10)."""
    return amount is not None and amount < PLACEHOLDER_BELOW


def supplier_key(name: str) -> str:
    """A supplier name folded so "ACME Ltd", "Acme Limited" and "acme ltd." compare equal."""
    folded = re.sub(r"[^\w\s]", " ", name.casefold())
    words = folded.split()
    replace = {"limited": "ltd", "public": "", "company": "co", "the": "", "and": "&"}
    words = [replace.get(w, w) for w in words]
    return " ".join(w for w in words if w)
