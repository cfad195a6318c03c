"""The register/edit contract form: fields, their API shape, and errors as GOV.UK shows them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.contracts.models import Contract
from app.errors import DomainError


@dataclass(frozen=True)
class Field:
    """One input of the form."""

    id: str
    label: str
    kind: str = "text"  # text, date, number, textarea
    hint: str = ""
    required: bool = False
    width: str = "govuk-!-width-two-thirds"


FIELDS = (
    Field("reference", "Reference", required=True, width="govuk-input--width-20"),
    Field("title", "Title", required=True),
    Field("buyer_name", "Buyer", hint="The contracting authority", required=True),
    Field("supplier_name", "Supplier", hint="The main supplier, if known"),
    Field("value_amount", "Value in pounds", kind="number", width="govuk-input--width-10"),
    Field("start_date", "Start date", kind="date", hint="For example, 2024-04-01"),
    Field("end_date", "End date", kind="date", hint="For example, 2027-03-31"),
    Field("max_end_date", "Latest possible end date", kind="date", hint="With every extension"),
    Field(
        "notice_period_days",
        "Notice period in days",
        kind="number",
        width="govuk-input--width-5",
        hint="Days of notice the buyer must give before the end date",
    ),
    Field(
        "termination_assistance_notice_days",
        "Termination assistance notice in days",
        kind="number",
        width="govuk-input--width-5",
        hint="Days before the end date by which the buyer must call for exit services",
    ),
    Field("tier", "Tier", kind="number", width="govuk-input--width-2", hint="1, 2 or 3"),
    Field("description", "Description", kind="textarea"),
)
LABELS = {f.id: f.label for f in FIELDS}
# Where a pydantic error's location points in this form.
_LOCATIONS = {
    ("buyer", "name"): "buyer_name",
    ("buyer",): "buyer_name",
    ("suppliers", 0, "name"): "supplier_name",
    ("value", "amount"): "value_amount",
    ("value", "currency"): "value_amount",
    ("value",): "value_amount",
}


def values_from(form: FormData) -> dict[str, str]:
    """The submitted values, as typed (kept on the page when something is wrong)."""
    return {f.id: str(form.get(f.id) or "").strip() for f in FIELDS}


def values_of(contract: Contract) -> dict[str, str]:
    """A contract's current terms as form values."""
    supplier = contract.suppliers[0].name if contract.suppliers else ""
    amount = contract.value_amount
    return {
        "reference": contract.reference,
        "title": contract.title,
        "buyer_name": contract.buyer_name,
        "supplier_name": supplier,
        "value_amount": f"{amount:.2f}" if amount is not None else "",
        "start_date": contract.start_date.isoformat() if contract.start_date else "",
        "end_date": contract.end_date.isoformat() if contract.end_date else "",
        "max_end_date": contract.max_end_date.isoformat() if contract.max_end_date else "",
        "notice_period_days": str(contract.notice_period_days or ""),
        "termination_assistance_notice_days": _text(contract.termination_assistance_notice_days),
        "tier": str(contract.tier or ""),
        "description": contract.description or "",
    }


def payload(values: dict[str, str], *, partial: bool = False) -> dict[str, Any]:
    """The API's JSON body for these values; empty optional fields are left out (or cleared)."""
    body: dict[str, Any] = {
        "reference": values["reference"],
        "title": values["title"],
        "buyer": {"name": values["buyer_name"]},
    }
    if values["supplier_name"]:
        body["suppliers"] = [{"name": values["supplier_name"]}]
    if values["value_amount"]:
        body["value"] = {"amount": values["value_amount"].replace(",", ""), "currency": "GBP"}
    for key in ("start_date", "end_date", "max_end_date"):
        if values[key] or partial:
            body[key] = values[key] or None
    for key in ("notice_period_days", "termination_assistance_notice_days", "tier"):
        if values[key] or partial:
            # The API takes JSON integers only; a form posts text, so whole numbers convert
            # here and anything else stays text for the validator to refuse in words.
            text = values[key].strip()
            body[key] = int(text) if text.isdigit() else (text or None)
    if values["description"] or partial:
        body["description"] = values["description"] or None
    return body


def _text(number: int | None) -> str:
    # 0 days is a recorded term, not an empty field.
    return "" if number is None else str(number)


def _message(field: str, error: Any) -> str:
    label = LABELS.get(field, field)
    kind = error.get("type", "")
    if kind in ("missing", "string_too_short"):
        return f"Enter the {label.lower()}"
    if kind.startswith("date"):
        return f"{label} must be a real date, like 2027-03-31"
    if kind.startswith(("int", "decimal", "float")) or "JSON integer" in error.get("msg", ""):
        return f"{label} must be a number"
    if kind.startswith(("greater_than", "less_than")):
        return f"{label}: {error.get('msg', 'out of range').lower()}"
    return f"{label}: {error.get('msg', 'is not valid')}"


def validation_errors(exc: ValidationError) -> dict[str, str]:
    """One message per form field, in the form's order."""
    found: dict[str, str] = {}
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        field = _LOCATIONS.get(loc) or _LOCATIONS.get(loc[:1]) or str(loc[0] if loc else "")
        field = field if field in LABELS else "reference"
        found.setdefault(field, _message(field, error))
    order = [f.id for f in FIELDS]
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[0])))


def domain_errors(exc: DomainError) -> dict[str, str]:
    """A service refusal, on the field it names (else on the first field)."""
    found: dict[str, str] = {}
    for problem in exc.problems:
        field = str(problem.get("field", ""))
        field = {"buyer": "buyer_name", "value": "value_amount"}.get(field, field)
        if field in LABELS:
            found.setdefault(field, f"{LABELS[field]}: {problem.get('message', exc.detail)}")
    return found or {"reference": exc.detail[:1].upper() + exc.detail[1:]}


def summary(errors: dict[str, str]) -> list[dict[str, str]]:
    """The GOV.UK error summary's list, each linked to its field."""
    return [{"text": text, "href": f"#{field}"} for field, text in errors.items()]


def tier_filter(value: str, errors: dict[str, str]) -> int | None:
    """A list filter's tier: 1, 2 or 3, None when not given, or an error under `tier`."""
    if value in ("1", "2", "3"):
        return int(value)
    if value:
        errors["tier"] = "Tier must be 1, 2 or 3"
    return None
