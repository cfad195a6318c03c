"""What a guard may look at, and helpers to read client-supplied values safely."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True, slots=True)
class GuardContext:
    """Everything guards may read; the case service fills it per request."""

    actor: str
    roles: frozenset[str]
    today: date
    # keys: id, state, data (dict), route (str | None)
    case: Mapping[str, Any] = field(default_factory=dict)
    # contract fields; dates as `date` or ISO strings
    contract: Mapping[str, Any] | None = None
    # each: id, workflow, state, final, route, data
    children: Sequence[Mapping[str, Any]] = ()
    # the transition's payload
    data: Mapping[str, Any] = field(default_factory=dict)
    # each: title, url, sha256?, kind?
    evidence: Sequence[Mapping[str, Any]] = ()
    reason: str | None = None
    # trigger -> actor who most recently fired it on this case
    history: Mapping[str, str] = field(default_factory=dict)


# What `case.` and `contract.` paths may name (cases/context.py builds these views; a test
# holds the two to each other).
CASE_FIELDS = frozenset(
    {"id", "state", "data", "route", "workflow", "title", "name", "final", "parent", "depends_on"}
)
CONTRACT_FIELDS = frozenset(
    {
        "id",
        "reference",
        "title",
        "description",
        "buyer",
        "value",
        "start_date",
        "end_date",
        "max_end_date",
        "date_signed",
        "notice_period_days",
        "notice_in_working_days",
        "notice_deadline",
        "termination_assistance_notice_days",
        "termination_assistance_deadline",
        "break_clauses",
        "extension_options",
        "tier",
        "exit_plan_url",
        "calendar",
        "regime",
        "agreement",
        "renewal",
        "ocid",
        "source",
        "version",
    }
)

_ROOTS = frozenset({"data", "case", "contract", "today", "actor", "reason"})


def resolve(ctx: GuardContext, path: str) -> Any:
    """Value at a dotted path (`data.x`, `case.data.x`, `contract.value.amount`, `today`)."""
    head, _, rest = path.partition(".")
    if head not in _ROOTS:
        # A bare name is shorthand for the payload: `route` means `data.route`.
        head, rest = "data", path
    roots: dict[str, Any] = {
        "data": ctx.data,
        "case": ctx.case,
        "contract": ctx.contract,
        "today": ctx.today,
        "actor": ctx.actor,
        "reason": ctx.reason,
    }
    value = roots[head]
    for part in rest.split(".") if rest else ():
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def payload_key(path: str) -> str | None:
    """The payload key a guard path reads (`data.x` or bare `x`), or None for other roots."""
    head, _, rest = path.partition(".")
    if head == "data":
        return rest.partition(".")[0] or None
    return None if head in _ROOTS else head


def is_blank(value: Any) -> bool:
    """Whether a value counts as absent: None, blank string, empty collection."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | tuple | dict | set | frozenset):
        return len(value) == 0
    return False


def as_date(value: Any) -> date | None:
    """A `date` from a date, datetime or ISO string; None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            return None
    return None


def as_number(value: Any) -> Decimal | None:
    """A Decimal from an int, float, Decimal or numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        # Decimal accepts "NaN" and "Infinity"; neither is an amount.
        return number if number.is_finite() else None
    return None


def label(path: str) -> str:
    """A human label for a path: `data.decision_date` -> `decision date`."""
    text = path.removeprefix("data.")
    return text.replace(".", " ").replace("_", " ")


def the(path: str) -> str:
    """`today` or `the <label>`, to read well inside a sentence."""
    return "today" if path == "today" else f"the {label(path)}"


def shown(value: Any) -> str:
    """A short printable form of a client value for error sentences."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
