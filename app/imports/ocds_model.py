"""Value types and errors shared by the OCDS reader modules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

DatesSource = Literal["contracts", "awards", "tender"]


class OcdsError(Exception):
    """An OCDS document or release that cannot be imported, located by JSON path."""

    def __init__(
        self,
        path: str,
        message: str,
        *,
        release_id: str | None = None,
        release_path: str | None = None,
        ocid: str | None = None,
    ) -> None:
        self.path = path
        self.message = message
        self.release_id = release_id
        self.release_path = release_path
        self.ocid = ocid
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        rp = self.release_path
        if rp is None:
            return f"{self.path}: {self.message}"
        head = f"{rp} (id {self.release_id})" if self.release_id else rp
        if self.path.startswith(rp + "."):
            return f"{head}: {self.path[len(rp) + 1 :]}: {self.message}"
        return f"{head}: {self.message}"

    def __str__(self) -> str:
        return self._sentence()


class OcdsTooLarge(OcdsError):
    """A release too big to hold in memory: the whole file is refused with 413."""


class OcdsSkipError(OcdsError):
    """A well-formed item that carries no release to import (reported, not fatal)."""


class MissingCompiledRelease(dict[str, Any]):
    """Stand-in yielded for a record without compiledRelease; map_release skips it."""


@dataclass(frozen=True)
class SupplierData:
    """A supplier named on the release, resolved against its parties."""

    name: str
    companies_house_number: str | None
    identifier_scheme: str | None
    identifier_id: str | None
    award_value: Decimal | None = None
    """This supplier's own award value (app/imports/ocds_awards.py); None when unknown."""
    award_currency: str | None = None


@dataclass(frozen=True)
class ContractData:
    """The contract facts Handover needs from one OCDS release."""

    ocid: str
    release_id: str | None
    release_date: datetime
    title: str | None
    description: str | None
    buyer_name: str | None
    buyer_identifier: str | None
    suppliers: tuple[SupplierData, ...]
    value_amount: Decimal | None
    value_currency: str | None
    start_date: date | None
    end_date: date | None
    max_end_date: date | None
    date_signed: date | None
    dates_source: DatesSource | None
    amendments: tuple[dict[str, str | None], ...]
    raw: dict[str, Any]
    agreement: str = "contract"
    """contract, framework or dps (app/imports/ocds_kind.py)."""
    tender_only: bool = False
    """No award, no contract and no dates yet: a pipeline entry, not a contract to create."""
    terms_hints: tuple[str, ...] = ()
    """Unverified hints on the real terms (app/imports/ocds_hints.py); the import writes them
    to contract.terms_hints and leaves the terms unverified."""
