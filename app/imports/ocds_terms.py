"""From mapped OCDS releases to contract terms, with JSON paths for every problem found."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.contracts import rules
from app.contracts.money import to_cents
from app.contracts.schemas import ContractCreate, ContractPatch
from app.imports.ocds_fields import obj, objs, text
from app.imports.ocds_model import ContractData, OcdsError, OcdsSkipError

# Column and schema limits of the contract register (app/contracts/schemas.py).
MAX_REFERENCE, MAX_TITLE, MAX_NAME, MAX_IDENTIFIER = 100, 500, 300, 200
MAX_DESCRIPTION, MAX_SUPPLIERS = 20_000, 100
_PERIOD_KEYS = {"start_date": "startDate", "end_date": "endDate", "max_end_date": "maxExtentDate"}


def release_error(data: ContractData, release_path: str, sub: str, message: str) -> OcdsError:
    """An OcdsError for the field at `sub` (relative to the release) of a mapped release."""
    path = f"{release_path}.{sub}" if sub else release_path
    return OcdsError(
        path, message, release_id=data.release_id, release_path=release_path, ocid=data.ocid
    )


def unsupported(data: ContractData, release_path: str) -> OcdsSkipError | None:
    """Why a well-formed release cannot become a contract (reported as skipped), if it cannot."""
    reason = None
    if len(data.ocid) > MAX_REFERENCE:
        reason = f"ocid is longer than {MAX_REFERENCE} characters, the longest contract reference"
    elif len(data.suppliers) > MAX_SUPPLIERS and data.agreement == "contract":
        reason = (
            f"names {len(data.suppliers)} suppliers (a framework?); a contract holds at most"
            f" {MAX_SUPPLIERS}"
        )
    if reason is None:
        return None
    return OcdsSkipError(
        release_path, reason, release_id=data.release_id, release_path=release_path, ocid=data.ocid
    )


def clip(value: str | None, limit: int) -> str | None:
    """The text, shortened with an ellipsis if longer than the limit."""
    # Over-long publisher text is shortened, not refused: the raw release keeps the original.
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


def ocds_terms(data: ContractData, release_path: str) -> dict[str, Any]:
    """API-shaped terms the release provides; what it leaves out is absent, not None."""
    terms: dict[str, Any] = {}
    if data.title is not None:
        terms["title"] = clip(data.title, MAX_TITLE)
    if data.description is not None:
        terms["description"] = clip(data.description, MAX_DESCRIPTION)
    if data.buyer_name is not None:
        terms["buyer"] = {
            "name": clip(data.buyer_name, MAX_NAME),
            "identifier": clip(data.buyer_identifier, MAX_IDENTIFIER),
        }
    if data.suppliers:
        terms["suppliers"] = [
            {"name": clip(s.name, MAX_NAME), "companies_house_number": s.companies_house_number}
            # A framework's suppliers beyond the register's limit stay in the raw release.
            for s in data.suppliers[:MAX_SUPPLIERS]
        ]
    if data.value_amount is not None:
        if data.value_currency is None:
            sub = f"{value_path(data.raw)}.currency"
            raise release_error(data, release_path, sub, "an amount is given without a currency")
        # Held to the cent like the register, so a re-import compares equal.
        terms["value"] = {"amount": to_cents(data.value_amount), "currency": data.value_currency}
    if data.dates_source is not None:
        terms |= {
            "start_date": data.start_date,
            "end_date": data.end_date,
            "max_end_date": data.max_end_date,
        }
    if data.date_signed is not None:
        terms["date_signed"] = data.date_signed
    terms["agreement"] = data.agreement
    return terms


def validated_create(
    data: ContractData, release_path: str, terms: dict[str, Any]
) -> ContractCreate:
    """The create body for a new contract, or OcdsErrors naming the release's JSON paths."""
    body = {"reference": data.ocid, "title": data.ocid, "ocid": data.ocid, **terms}
    try:
        return ContractCreate.model_validate(body)
    except ValidationError as exc:
        raise _validation_error(data, release_path, exc) from None


def validated_patch(data: ContractData, release_path: str, terms: dict[str, Any]) -> ContractPatch:
    """The patch for an existing contract, or an OcdsError naming the release's JSON path."""
    try:
        return ContractPatch.model_validate(terms)
    except ValidationError as exc:
        raise _validation_error(data, release_path, exc) from None


def check_rules(data: ContractData, release_path: str, merged: dict[str, Any]) -> None:
    """Refuse terms that break the register's cross-field rules, naming the release's path."""
    problems = rules.problems_in(merged)
    if problems:
        first = problems[0]
        raise release_error(data, release_path, field_path(data, first["field"]), first["message"])


def _validation_error(data: ContractData, release_path: str, exc: ValidationError) -> OcdsError:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    return release_error(data, release_path, field_path(data, ".".join(loc)), err["msg"])


def field_path(data: ContractData, field: str) -> str:
    """Best JSON path (relative to the release) of the OCDS field a contract field came from."""
    head, _, rest = field.partition(".")
    head = head.split("[")[0]
    if head == "value":
        return f"{value_path(data.raw)}.{rest or 'amount'}"
    if head in _PERIOD_KEYS or head in ("notice_period_days", "break_clauses", "extension_options"):
        key = _PERIOD_KEYS.get(head, "endDate")
        return f"{period_path(data.raw, data.dates_source)}.{key}"
    if head == "date_signed":
        return "contracts[0].dateSigned"
    return {"suppliers": "awards", "buyer": "buyer", "title": "tender.title"}.get(head, "")


def value_path(raw: dict[str, Any]) -> str:
    """Path of the value block the mapper chose (the first with an amount)."""
    contracts, awards = objs(raw.get("contracts")), objs(raw.get("awards"))
    blocks = [
        ("contracts[0].value", obj(contracts[0].get("value")) if contracts else {}),
        ("awards[0].value", obj(awards[0].get("value")) if awards else {}),
        ("tender.value", obj(obj(raw.get("tender")).get("value"))),
    ]
    for sub, block in blocks:
        if block.get("amount") not in (None, ""):
            return sub
    return "tender.value"


def period_path(raw: dict[str, Any], source: str | None) -> str:
    """Path of the period the mapper took the dates from."""
    keys = ("startDate", "endDate", "maxExtentDate")
    if source in ("contracts", "awards"):
        name = "period" if source == "contracts" else "contractPeriod"
        for i, item in enumerate(objs(raw.get(source))):
            period = obj(item.get(name))
            if any(text(period.get(k)) for k in keys):
                return f"{source}[{i}].{name}"
    return "tender.contractPeriod"
