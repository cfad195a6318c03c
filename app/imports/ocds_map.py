"""Maps one OCDS release (dict) onto the ContractData Handover keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.imports.ocds_awards import with_award_values
from app.imports.ocds_fields import (
    Where,
    aware,
    companies_house_number,
    first_text,
    ident,
    json_native,
    obj,
    objs,
    parse_amount,
    parse_currency,
    parse_date,
    parse_datetime,
    text,
)
from app.imports.ocds_hints import term_hints
from app.imports.ocds_kind import classify, is_placeholder, is_tender_only, supplier_key
from app.imports.ocds_model import (
    ContractData,
    DatesSource,
    MissingCompiledRelease,
    OcdsSkipError,
    SupplierData,
)

COH_SCHEME = "GB-COH"


@dataclass(frozen=True)
class _Period:
    start: date | None
    end: date | None
    max_end: date | None


def map_release(release: dict[str, Any], path: str) -> ContractData:
    """Map a release yielded by iter_releases to ContractData, or raise OcdsError."""
    if isinstance(release, MissingCompiledRelease):
        ocid = ident(release.get("ocid"))
        raise OcdsSkipError(path, "record has no compiledRelease", release_path=path, ocid=ocid)
    where = Where(path, release)
    if where.ocid is None:
        raise where.error("ocid", "missing or empty ocid")
    released = parse_datetime(where, release.get("date"), "date")
    if released is None:
        raise where.error("date", "missing release date")

    contracts, awards = objs(release.get("contracts")), objs(release.get("awards"))
    tender = obj(release.get("tender"))
    first_contract = contracts[0] if contracts else {}
    first_award = awards[0] if awards else {}
    parties = _parties_by_id(release)
    buyer_name, buyer_identifier = _buyer(release, parties)
    amount, currency = _value(where, release)
    period, source = _dates(where, release)
    found, keys = _suppliers(release, parties)
    suppliers = with_award_values(where, release, found, keys)
    title = first_text(first_contract.get("title"), first_award.get("title"), tender.get("title"))
    description = first_text(
        first_contract.get("description"),
        first_award.get("description"),
        tender.get("description"),
    )
    return ContractData(
        ocid=where.ocid,
        release_id=where.release_id,
        release_date=aware(released),
        title=title,
        description=description,
        buyer_name=buyer_name,
        buyer_identifier=buyer_identifier,
        suppliers=suppliers,
        value_amount=amount,
        value_currency=currency,
        start_date=period.start,
        end_date=period.end,
        max_end_date=period.max_end,
        date_signed=parse_date(where, first_contract.get("dateSigned"), "contracts[0].dateSigned"),
        dates_source=source,
        amendments=_amendments(where, release),
        raw=json_native(release),
        agreement=classify(release, len(suppliers)),
        tender_only=is_tender_only(release) and source is None,
        terms_hints=_hints(where, release, period, source, title, description),
    )


def _hints(
    where: Where,
    release: dict[str, Any],
    period: _Period,
    source: DatesSource | None,
    title: str | None,
    description: str | None,
) -> tuple[str, ...]:
    """What the text and the tender's own contract period suggest about the real terms."""
    tender_period = obj(obj(release.get("tender")).get("contractPeriod"))
    # The tender's period is a second opinion only when the dates came from elsewhere.
    tender_end = (
        parse_date(where, tender_period.get("endDate"), "tender.contractPeriod.endDate")
        if source in ("contracts", "awards")
        else None
    )
    return term_hints(
        text=" ".join(t for t in (title, description) if t),
        start_date=period.start,
        end_date=period.end,
        max_end_date=period.max_end,
        tender_end_date=tender_end,
    )


def release_sort_key(contract: ContractData) -> tuple[datetime, str]:
    """Order releases oldest first; the release id breaks ties deterministically."""
    return contract.release_date, contract.release_id or ""


def is_newer_release(candidate: datetime, stored: datetime | None) -> bool:
    """True when a release dated `candidate` should replace the stored one (ties do not)."""
    return stored is None or candidate > stored


def _parties_by_id(release: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for party in objs(release.get("parties")):
        key = ident(party.get("id"))
        # First wins: a duplicated party id is a publisher error, keep the earliest entry.
        if key is not None and key not in found:
            found[key] = party
    return found


def _has_role(party: dict[str, Any], role: str) -> bool:
    roles = party.get("roles")
    return isinstance(roles, list) and role in roles


def _identifier_string(party: dict[str, Any]) -> str | None:
    ident_obj = obj(party.get("identifier"))
    scheme, code = text(ident_obj.get("scheme")), ident(ident_obj.get("id"))
    if scheme is None or code is None:
        return None
    # Some publishers already prefix the id with its scheme; do not double it.
    return code if code.startswith(f"{scheme}-") else f"{scheme}-{code}"


def _buyer(
    release: dict[str, Any], parties: dict[str, dict[str, Any]]
) -> tuple[str | None, str | None]:
    ref = obj(release.get("buyer"))
    party = parties.get(ident(ref.get("id")) or "")
    if party is None:
        party = next((p for p in parties.values() if _has_role(p, "buyer")), {})
    name = first_text(
        ref.get("name"), party.get("name"), obj(party.get("identifier")).get("legalName")
    )
    return name, _identifier_string(party)


def _coh_number(party: dict[str, Any]) -> str | None:
    candidates = [obj(party.get("identifier")), *objs(party.get("additionalIdentifiers"))]
    for candidate in candidates:
        scheme = text(candidate.get("scheme"))
        code = ident(candidate.get("id"))
        if scheme is not None and scheme.upper() == COH_SCHEME and code is not None:
            number = companies_house_number(code)
            if number is not None:
                return number
    return None


def _supplier(ref: dict[str, Any], party: dict[str, Any]) -> SupplierData | None:
    ident_obj = obj(party.get("identifier"))
    name = first_text(ref.get("name"), party.get("name"), ident_obj.get("legalName"))
    if name is None:
        return None
    return SupplierData(
        name=name,
        companies_house_number=_coh_number(party),
        identifier_scheme=text(ident_obj.get("scheme")),
        identifier_id=ident(ident_obj.get("id")),
    )


def _suppliers(
    release: dict[str, Any], parties: dict[str, dict[str, Any]]
) -> tuple[tuple[SupplierData, ...], list[set[tuple[str, str]]]]:
    """The release's suppliers, folded, and the keys (party ids, folded names) of each."""
    refs = [ref for award in objs(release.get("awards")) for ref in objs(award.get("suppliers"))]
    if not refs:
        refs = [p for p in parties.values() if _has_role(p, "supplier")]
    found: list[SupplierData] = []
    seen: set[tuple[str, str]] = set()
    owned: list[set[tuple[str, str]]] = []
    for ref in refs:
        party_id = ident(ref.get("id"))
        supplier = _supplier(ref, parties.get(party_id or "", ref))
        if supplier is None:
            continue
        # The same supplier under two party ids differs only in case, "Ltd"/"Limited" or
        # punctuation (held-out Contracts Finder data): its folded name is a key too.
        keys = {("name", supplier_key(supplier.name))}
        if party_id:
            keys.add(("id", party_id))
        if supplier.companies_house_number:
            keys.add(("coh", supplier.companies_house_number))
        # The same company may sit on several awards, or under two party ids.
        if keys & seen:
            # Its other keys still name the kept supplier (a value may sit on either id).
            next(own for own in owned if own & keys).update(keys)
            continue
        seen |= keys
        found.append(supplier)
        owned.append(set(keys))
    return tuple(found), owned


def _value(where: Where, release: dict[str, Any]) -> tuple[Decimal | None, str | None]:
    contracts, awards = objs(release.get("contracts")), objs(release.get("awards"))
    blocks = [
        ("contracts[0].value", obj(contracts[0].get("value")) if contracts else {}),
        ("awards[0].value", obj(awards[0].get("value")) if awards else {}),
        ("tender.value", obj(obj(release.get("tender")).get("value"))),
    ]
    chosen: tuple[Decimal | None, str | None] = (None, None)
    # Every candidate is validated so a bad figure is reported even when a better one exists.
    for sub, block in blocks:
        amount = parse_amount(where, block.get("amount"), f"{sub}.amount")
        currency = parse_currency(where, block.get("currency"), f"{sub}.currency")
        # A placeholder (£0, £0.10, £3) is an unknown value: a later block may know it.
        if amount is not None and chosen[0] is None and not is_placeholder(amount):
            chosen = (amount, currency)
    return chosen


def _period(where: Where, period: dict[str, Any], sub: str) -> _Period | None:
    start = parse_date(where, period.get("startDate"), f"{sub}.startDate")
    end = parse_date(where, period.get("endDate"), f"{sub}.endDate")
    max_end = parse_date(where, period.get("maxExtentDate"), f"{sub}.maxExtentDate")
    if start and end and end < start:
        raise where.error(f"{sub}.endDate", f"end date {end} is before start date {start}")
    if max_end and end and max_end < end:
        raise where.error(
            f"{sub}.maxExtentDate", f"maximum extent date {max_end} is before end date {end}"
        )
    if max_end and start and max_end < start:
        raise where.error(
            f"{sub}.maxExtentDate", f"maximum extent date {max_end} is before start date {start}"
        )
    if start is None and end is None and max_end is None:
        return None
    return _Period(start, end, max_end)


def _dates(where: Where, release: dict[str, Any]) -> tuple[_Period, DatesSource | None]:
    blocks: list[tuple[DatesSource, str, dict[str, Any]]] = [
        ("contracts", f"contracts[{i}].period", obj(c.get("period")))
        for i, c in enumerate(objs(release.get("contracts")))
    ]
    blocks += [
        ("awards", f"awards[{i}].contractPeriod", obj(a.get("contractPeriod")))
        for i, a in enumerate(objs(release.get("awards")))
    ]
    blocks.append(
        ("tender", "tender.contractPeriod", obj(obj(release.get("tender")).get("contractPeriod")))
    )
    found: dict[DatesSource, list[_Period]] = {}
    for source, sub, block in blocks:
        period = _period(where, block, sub)  # every block validated, so each error is named
        if period is not None:
            found.setdefault(source, []).append(period)
    for source in ("contracts", "awards", "tender"):
        if source in found:
            return _spanning(found[source]), source
    return _Period(None, None, None), None


def _spanning(periods: list[_Period]) -> _Period:
    """Several awards or contracts in one release: the earliest start, the latest end."""
    # The contract runs until its last current term ends, not the first block's.
    starts = [p.start for p in periods if p.start]
    ends = [p.end for p in periods if p.end]
    maxes = [p.max_end for p in periods if p.max_end]
    end = max(ends) if ends else None
    max_end = max(maxes) if maxes else None
    if max_end is not None and end is not None and max_end < end:
        max_end = None  # another block runs past this maximum: the latest end is not known
    return _Period(min(starts) if starts else None, end, max_end)


def _amendments(where: Where, release: dict[str, Any]) -> tuple[dict[str, str | None], ...]:
    owners = [("tender", obj(release.get("tender")))]
    owners += [(f"awards[{i}]", a) for i, a in enumerate(objs(release.get("awards")))]
    owners += [(f"contracts[{i}]", c) for i, c in enumerate(objs(release.get("contracts")))]
    found: list[dict[str, str | None]] = []
    for owner_path, owner in owners:
        items = [
            (f"{owner_path}.amendments[{k}]", a)
            for k, a in enumerate(objs(owner.get("amendments")))
        ]
        # OCDS 1.0 used a single "amendment" object; 1.1 deprecates but still allows it.
        if isinstance(owner.get("amendment"), dict):
            items.append((f"{owner_path}.amendment", owner["amendment"]))
        for sub, item in items:
            when = parse_datetime(where, item.get("date"), f"{sub}.date")
            found.append(
                {
                    "id": ident(item.get("id")),
                    "date": aware(when).isoformat() if when else None,
                    "rationale": text(item.get("rationale")),
                    "description": text(item.get("description")),
                    "path": sub,
                }
            )
    return tuple(found)
