"""OCDS import: upsert contracts by ocid from a release or record package, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.audit import chain
from app.audit import service as audit
from app.audit.chain import jsonable
from app.auth.service import Actor
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.contracts.money import amount_text, to_cents
from app.errors import DomainError, PayloadTooLarge, Unprocessable
from app.imports import ocds_terms as terms_
from app.imports.models import ContractOcdsRelease
from app.imports.ocds_read import (
    ContractData,
    OcdsError,
    OcdsSkipError,
    OcdsTooLarge,
    is_newer_release,
    iter_releases,
    map_release,
)
from app.imports.ocds_stream import MAX_RELEASE_BYTES

SEAL_EVERY = 500
"""Chain queued audit events every so many releases, so a large file runs in bounded memory."""
MAX_PROBLEMS = 50
"""Stop collecting problems after this many: the file is refused either way."""
_RANK = {"unchanged": 0, "updated": 1, "created": 2}
_TERM_DATES = ("start_date", "end_date", "max_end_date")


class OcdsImportError(Unprocessable):
    """The file is not importable; nothing from it was written."""

    code = "invalid_ocds"

    @classmethod
    def of(cls, errors: list[OcdsError]) -> OcdsImportError:
        """One error for the file, listing every problem found."""
        more = len(errors) - 1
        detail = str(errors[0]) + (f" (and {more} more problem(s))" if more else "")
        problems = [
            {"path": e.path, "release_id": e.release_id, "message": e.message} for e in errors
        ]
        return cls(detail, problems=problems)


class ReleaseTooLarge(PayloadTooLarge):
    """One release is bigger than the import holds in memory; nothing was written."""

    code = "release_too_large"


TENDER_ONLY = "tender only (pipeline): no award, contract or dates yet"


@dataclass
class ImportReport:
    """What one file did: counts per release, skipped releases and the contracts touched."""

    file: str
    releases: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    tender_only: int = 0
    """Releases skipped as pipeline entries: a tender with no award or contract yet."""
    skipped: list[dict[str, str | None]] = field(default_factory=list)
    outcomes: dict[str, tuple[int, str]] = field(default_factory=dict)

    def count(self, contract: Contract, outcome: str) -> None:
        """Count one release's outcome; a contract keeps its strongest outcome in the file."""
        if outcome != "skipped":
            setattr(self, outcome, getattr(self, outcome) + 1)
        assert contract.ocid is not None
        kept = self.outcomes.get(contract.ocid)
        shown = "unchanged" if outcome == "skipped" else outcome
        if kept is None or _RANK[shown] > _RANK[kept[1]]:
            self.outcomes[contract.ocid] = (contract.id, shown)

    def skip(self, exc: OcdsSkipError) -> None:
        """Report a release that was left out, and why."""
        self.skipped.append(
            {
                "path": exc.path,
                "release_id": exc.release_id,
                "ocid": exc.ocid,
                "reason": exc.message,
            }
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as the API and the CLI show it."""
        return {
            "file": self.file,
            "releases": self.releases,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "tender_only": self.tender_only,
            "skipped": self.skipped,
            "contracts": [
                {"id": cid, "ocid": ocid, "outcome": outcome}
                for ocid, (cid, outcome) in self.outcomes.items()
            ],
        }


@dataclass(frozen=True)
class _Run:
    session: Session
    source_file: str
    actor: Actor | None
    now: datetime
    report: ImportReport
    settings: Settings


def import_ocds(
    *,
    session: Session,
    stream: BinaryIO,
    source_file: str,
    actor: Actor | None,
    now: datetime,
    settings: Settings,
    max_release_bytes: int = MAX_RELEASE_BYTES,
) -> ImportReport:
    """Import one OCDS file in the caller's transaction; OcdsImportError leaves it to roll back."""
    run = _Run(session, source_file, actor, now, ImportReport(file=source_file), settings)
    errors: list[OcdsError] = []
    try:
        for path, release in iter_releases(stream, max_release_bytes=max_release_bytes):
            run.report.releases += 1
            try:
                data = map_release(release, path)
                # After the first problem keep reading, to report more, but write nothing.
                if not errors:
                    _import_release(run, data, path)
                    if run.report.releases % SEAL_EVERY == 0:
                        chain.seal(session)
            except OcdsSkipError as exc:
                run.report.skip(exc)
            except OcdsError as exc:
                errors.append(exc)
                if len(errors) >= MAX_PROBLEMS:
                    break
    except OcdsTooLarge as exc:
        raise ReleaseTooLarge(
            str(exc), problems=[{"path": exc.path, "message": exc.message}]
        ) from None
    except OcdsError as exc:  # invalid JSON or not OCDS: the stream cannot go on
        errors.append(exc)
    if errors:
        raise OcdsImportError.of(errors)
    return run.report


def _import_release(run: _Run, data: ContractData, path: str) -> None:
    skip = terms_.unsupported(data, path)
    if skip is not None:
        raise skip
    contract = run.session.scalar(select(Contract).where(Contract.ocid == data.ocid))
    if contract is None:
        _create(run, data, path)
        return
    stored = contract.ocds_release_date
    if is_newer_release(data.release_date, stored):
        _update(run, contract, data, path)
        return
    run.report.count(contract, "unchanged" if data.release_date == stored else "skipped")
    if data.release_date != stored:
        assert stored is not None  # a contract without a stored release is always older
        run.report.skip(
            OcdsSkipError(
                path,
                f"older than release {contract.ocds_release_id}"
                f" ({stored.isoformat()}) already imported",
                release_id=data.release_id,
                release_path=path,
                ocid=data.ocid,
            )
        )


def _create(run: _Run, data: ContractData, path: str) -> None:
    if data.tender_only:
        # 180 of 370 held-out UK releases: a tender with no award, no contract and no dates
        # is a pipeline entry, not a contract to exit with empty terms. Its award, when
        # published, creates the contract. (A tender that states its contract period still
        # starts the contract's record, as the lifecycle samples do.)
        run.report.tender_only += 1
        raise OcdsSkipError(
            path, TENDER_ONLY, release_id=data.release_id, release_path=path, ocid=data.ocid
        )
    terms = terms_.ocds_terms(data, path)
    if "buyer" not in terms:
        raise OcdsSkipError(
            path,
            "names no buyer: a contract needs one",
            release_id=data.release_id,
            release_path=path,
            ocid=data.ocid,
        )
    body = terms_.validated_create(data, path, terms)
    terms_.check_rules(data, path, body.model_dump())
    try:
        contract = contracts.create(
            session=run.session,
            data=body,
            actor=run.actor,
            now=run.now,
            settings=run.settings,
            source="ocds",
            action="contract.imported",
            details=_details(run, data),
        )
    except DomainError as exc:
        raise terms_.release_error(data, path, "ocid", exc.detail) from None
    _set_award_values(contract, data)
    _record_release(run, contract, data, amendments=_merge_amendments([], data), reverify=False)
    run.report.count(contract, "created")


def _update(run: _Run, contract: Contract, data: ContractData, path: str) -> None:
    terms = terms_.ocds_terms(data, path)
    patch = terms_.validated_patch(data, path, terms)
    before = contracts.terms_of(contract)
    sent = patch.model_dump(exclude_unset=True)
    terms_.check_rules(data, path, {**before, **sent})
    amendments = _merge_amendments(contract.amendments, data)
    added = amendments[len(contract.amendments) :]
    details = _details(run, data) | ({"amendments_added": added} if added else {})
    # Confirmed terms whose dates a later release moves must be confirmed again: the person
    # checked the old dates against the contract, not these.
    reverify = contract.terms_verified_at is not None and any(
        k in sent and sent[k] != before.get(k) for k in _TERM_DATES
    )
    if reverify:
        details["terms_unverified"] = "a release changed the confirmed dates"
    try:
        changed = contracts.update(
            session=run.session,
            contract=contract,
            patch=patch,
            actor=run.actor,
            now=run.now,
            settings=run.settings,
            details=details,
        )
    except DomainError as exc:
        raise terms_.release_error(data, path, "ocid", exc.detail) from None
    awards_changed = _set_award_values(contract, data)
    if not changed and (added or awards_changed):
        # Amendments and supplier award values are not terms, so contracts.update saw
        # nothing; the change is still audited.
        audit.record(
            session=run.session,
            actor=run.actor,
            action="contract.updated",
            at=run.now,
            contract_id=contract.id,
            details={"changes": {}, **details},
        )
    _record_release(run, contract, data, amendments=amendments, reverify=reverify)
    run.report.count(contract, "updated" if changed or added or awards_changed else "unchanged")


def _details(run: _Run, data: ContractData) -> dict[str, Any]:
    details: dict[str, Any] = {
        "source_file": run.source_file,
        "release_id": data.release_id,
        "release_date": data.release_date.isoformat(),
    }
    awards = [
        {"name": s.name, "award_value": amount_text(s.award_value), "currency": s.award_currency}
        for s in data.suppliers
        if s.award_value is not None
    ]
    if awards:
        # Which release said what each supplier was awarded: the split of spend rests on it.
        details["supplier_awards"] = awards
    return details


def _set_award_values(contract: Contract, data: ContractData) -> bool:
    """Put each supplier's award value from the release on its row; True if any changed."""
    changed = False
    for row in contract.suppliers:
        # Rows are written in the release's order (ocds_terms); a name that differs is a
        # supplier the release does not list, so it keeps no value from it.
        given = data.suppliers[row.position] if row.position < len(data.suppliers) else None
        amount: Decimal | None = None
        currency: str | None = None
        if (
            given is not None
            and given.award_value is not None
            and terms_.clip(given.name, terms_.MAX_NAME) == row.name
        ):
            amount, currency = to_cents(given.award_value), given.award_currency
        if (row.award_value, row.award_currency) != (amount, currency):
            row.award_value, row.award_currency = amount, currency
            changed = True
    return changed


def _merge_amendments(stored: list[dict[str, Any]], data: ContractData) -> list[dict[str, Any]]:
    # Releases are partial: one without a tender block has not undone the tender's amendments,
    # so the contract keeps every amendment seen, in the order first seen.
    seen = {(a.get("path"), a.get("id"), a.get("date")) for a in stored}
    out = list(stored)
    for item in jsonable(list(data.amendments)):
        key = (item.get("path"), item.get("id"), item.get("date"))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _record_release(
    run: _Run,
    contract: Contract,
    data: ContractData,
    *,
    amendments: list[dict[str, Any]],
    reverify: bool,
) -> None:
    """Write provenance and keep the raw release; provenance alone does not bump the version."""
    values: dict[str, Any] = {
        "ocds_release_id": terms_.clip(data.release_id, 300),
        "ocds_release_date": data.release_date,
        "ocds_source_file": terms_.clip(run.source_file, 500),
        "amendments": amendments,
        # The latest release's reading of its own text (app/imports/ocds_hints.py).
        "terms_hints": list(data.terms_hints),
    }
    if reverify:
        values |= {"terms_verified_at": None, "terms_verified_by": None}
    if data.dates_source is not None:
        values["ocds_dates_source"] = data.dates_source
    # A Core UPDATE: the ORM would bump `version` (the ETag) though the API shape is unchanged.
    run.session.execute(
        update(Contract).where(Contract.id == contract.id).values(**values),
        execution_options={"synchronize_session": False},
    )
    for name, value in values.items():
        set_committed_value(contract, name, value)
    run.session.add(
        ContractOcdsRelease(
            contract_id=contract.id,
            release_id=values["ocds_release_id"],
            release_date=data.release_date,
            source_file=values["ocds_source_file"],
            raw=data.raw,
            imported_at=run.now,
        )
    )
