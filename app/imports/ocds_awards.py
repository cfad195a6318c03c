"""Each supplier's own award value in an OCDS release, so spend can be split between them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from app.imports.ocds_fields import Where, ident, obj, objs, parse_amount, parse_currency
from app.imports.ocds_kind import is_placeholder, supplier_key
from app.imports.ocds_model import OcdsError, SupplierData


@dataclass(frozen=True)
class AwardValue:
    """A value found for one supplier: its party id and/or name, amount and currency."""

    party_id: str | None
    name: str | None
    amount: Decimal
    currency: str | None


def _money(where: Where, block: Any, sub: str) -> tuple[Decimal, str | None] | None:
    value = obj(block)
    try:
        amount = parse_amount(where, value.get("amount"), f"{sub}.amount")
        currency = parse_currency(where, value.get("currency"), f"{sub}.currency")
    except OcdsError:
        # A per-supplier value is a refinement, not a contract term: a malformed one is
        # unknown rather than a reason to refuse the whole file.
        return None
    # Contracts Finder's £0, £0.10, £3 placeholders are unknown values (issue 14).
    if amount is None or is_placeholder(amount):
        return None
    return amount, currency


def _from_parties(where: Where, release: dict[str, Any]) -> list[AwardValue]:
    found: list[AwardValue] = []
    for i, party in enumerate(objs(release.get("parties"))):
        roles = party.get("roles")
        if not (isinstance(roles, list) and "supplier" in roles) or "x_awardValue" not in party:
            continue
        money = _money(where, party.get("x_awardValue"), f"parties[{i}].x_awardValue")
        name = party.get("name")
        if money is not None:
            found.append(
                AwardValue(ident(party.get("id")), name if isinstance(name, str) else None, *money)
            )
    return found


def _from_awards(where: Where, release: dict[str, Any]) -> list[AwardValue]:
    awards = [a for a in objs(release.get("awards")) if objs(a.get("suppliers"))]
    # An award's value can be given to a supplier only when the award names just that one.
    if not awards or any(len(objs(a.get("suppliers"))) != 1 for a in awards):
        return []
    found: list[AwardValue] = []
    for i, award in enumerate(awards):
        ref = objs(award.get("suppliers"))[0]
        money = _money(where, award.get("value"), f"awards[{i}].value")
        name = ref.get("name")
        if money is not None:
            found.append(
                AwardValue(ident(ref.get("id")), name if isinstance(name, str) else None, *money)
            )
    return found


def _keys(value: AwardValue) -> set[tuple[str, str]]:
    keys = {("id", value.party_id)} if value.party_id else set()
    if value.name:
        keys.add(("name", supplier_key(value.name)))
    return keys


def with_award_values(
    where: Where,
    release: dict[str, Any],
    suppliers: tuple[SupplierData, ...],
    supplier_keys: list[set[tuple[str, str]]],
) -> tuple[SupplierData, ...]:
    """The suppliers with their own award values where the release gives them.

    parties[].x_awardValue wins (Contracts Finder's per-supplier value; a supplier listed
    twice keeps its first value, as it is the same award); otherwise the values of awards
    that each name one supplier, summed when one supplier holds several such awards.
    """
    from_parties = _from_parties(where, release)
    values = from_parties or _from_awards(where, release)
    out: list[SupplierData] = []
    for supplier, keys in zip(suppliers, supplier_keys, strict=True):
        mine = [v for v in values if _keys(v) & keys]
        if from_parties:
            mine = mine[:1]
        currencies = {v.currency for v in mine}
        if not mine or len(currencies) != 1:
            out.append(supplier)  # none given, or in two currencies: unknown
            continue
        total = sum((v.amount for v in mine), Decimal(0))
        out.append(replace(supplier, award_value=total, award_currency=currencies.pop()))
    return tuple(out)
