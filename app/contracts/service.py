"""Contract register rules: create, change, list; every change audited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.chain import jsonable
from app.auth.service import Actor
from app.config import Settings
from app.contracts import rules
from app.contracts.models import Contract, ContractSupplier
from app.contracts.money import to_cents
from app.contracts.regime import infer_regime
from app.contracts.schemas import ContractCreate, ContractPatch
from app.db.bulk import insert_objects
from app.deadlines import service as deadlines
from app.deadlines.reconcile import audit_sync
from app.errors import Conflict, Unprocessable, found
from app.etag import check_version


def terms_of(c: Contract) -> dict[str, Any]:
    """The contract's terms in API shape (dates as dates)."""
    return {
        "reference": c.reference,
        "title": c.title,
        "description": c.description,
        "buyer": {"name": c.buyer_name, "identifier": c.buyer_identifier},
        "suppliers": [
            {"name": s.name, "companies_house_number": s.companies_house_number}
            for s in c.suppliers
        ],
        "value": (
            {"amount": c.value_amount, "currency": c.value_currency}
            if c.value_amount is not None
            else None
        ),
        "start_date": c.start_date,
        "end_date": c.end_date,
        "max_end_date": c.max_end_date,
        "date_signed": c.date_signed,
        "notice_period_days": c.notice_period_days,
        "notice_in_working_days": c.notice_in_working_days,
        "termination_assistance_notice_days": c.termination_assistance_notice_days,
        "calendar": c.calendar,
        "regime": c.regime,
        "agreement": c.agreement,
        "renewal": c.renewal,
        "break_clauses": [
            {"date": date.fromisoformat(b["date"]), "notice_days": b["notice_days"]}
            for b in c.break_clauses
        ],
        "extension_options": [dict(o) for o in c.extension_options],
        "tier": c.tier,
        "exit_plan_url": c.exit_plan_url,
    }


def apply_terms(c: Contract, terms: dict[str, Any]) -> None:
    """Write API-shaped terms onto the row."""
    simple = (
        "reference",
        "title",
        "description",
        "start_date",
        "end_date",
        "max_end_date",
        "date_signed",
        "notice_period_days",
        "notice_in_working_days",
        "termination_assistance_notice_days",
        "calendar",
        "regime",
        "agreement",
        "renewal",
        "tier",
        "exit_plan_url",
    )
    for name in simple:
        if name in terms:
            setattr(c, name, terms[name])
    if "buyer" in terms:
        c.buyer_name = terms["buyer"]["name"]
        c.buyer_identifier = terms["buyer"].get("identifier")
    if "value" in terms:
        value = terms["value"]
        # Held to the cent as the column stores it, so the row shows the same amount
        # before and after a round trip through the database.
        c.value_amount = to_cents(value["amount"]) if value else None
        c.value_currency = value["currency"] if value else None
    if "suppliers" in terms:
        c.suppliers = [
            ContractSupplier(
                position=i, name=s["name"], companies_house_number=s.get("companies_house_number")
            )
            for i, s in enumerate(terms["suppliers"])
        ]
    if "break_clauses" in terms:
        c.break_clauses = jsonable(terms["break_clauses"])
    if "extension_options" in terms:
        c.extension_options = jsonable(terms["extension_options"])


def _check(terms: dict[str, Any]) -> None:
    problems = rules.problems_in(terms)
    if problems:
        raise Unprocessable(
            f"the contract terms are inconsistent ({len(problems)} problem(s))", problems=problems
        )


def _check_unique(
    session: Session, *, buyer: str, reference: str, ocid: str | None, own_id: int | None
) -> None:
    clash = session.scalar(
        select(Contract.id).where(
            Contract.buyer_name == buyer, Contract.reference == reference, Contract.id != own_id
        )
    )
    if clash is not None:
        raise duplicate_reference(clash, buyer, reference)
    if ocid is not None:
        clash = session.scalar(select(Contract.id).where(Contract.ocid == ocid))
        if clash is not None and clash != own_id:
            raise Conflict(f"contract {clash} already has ocid {ocid!r}", code="duplicate")


def create(
    *,
    session: Session,
    data: ContractCreate,
    actor: Actor | None,
    now: datetime,
    settings: Settings,
    source: str = "manual",
    action: str = "contract.created",
    details: dict[str, Any] | None = None,
) -> Contract:
    """Create a contract, audit it and compute its deadlines."""
    contract = prepare(data=data, actor=actor, now=now, source=source)
    _check_unique(
        session, buyer=data.buyer.name, reference=data.reference, ocid=data.ocid, own_id=None
    )
    session.add(contract)
    session.flush()
    _audit_created(session, contract, actor, now, action, details)
    _run_hooks(session, contract, actor, now, settings)
    return contract


def prepare(
    *, data: ContractCreate, actor: Actor | None, now: datetime, source: str = "manual"
) -> Contract:
    """A new contract row from checked terms, not yet added (unique keys are not checked)."""
    terms = data.model_dump(exclude={"ocid"})
    if terms.get("agreement") is None:
        terms["agreement"] = "contract"
    if terms.get("regime") is None:
        terms["regime"] = infer_regime(date_signed=data.date_signed, start_date=data.start_date)
    _check(terms)
    contract = Contract(ocid=data.ocid, source=source, created_at=now, updated_at=now)
    apply_terms(contract, terms)
    if source == "manual":
        # Entered by hand from the contract: verified by whoever entered it. Imported terms
        # stay unverified until a person confirms them (app/contracts/verify.py).
        contract.terms_verified_at = now
        contract.terms_verified_by = actor.name if actor else None
    return contract


def _audit_created(
    session: Session,
    contract: Contract,
    actor: Actor | None,
    now: datetime,
    action: str,
    details: dict[str, Any] | None,
) -> None:
    audit.record(
        session=session,
        actor=actor,
        action=action,
        at=now,
        contract_id=contract.id,
        details={"after": jsonable(terms_of(contract)), "ocid": contract.ocid, **(details or {})},
    )


def create_many(
    *,
    session: Session,
    contracts: Sequence[Contract],
    details: Sequence[dict[str, Any]],
    actor: Actor | None,
    now: datetime,
    settings: Settings,
    action: str = "contract.created",
) -> None:
    """Insert `prepare`d contracts in bulk, each audited with its deadlines as `create` does.

    The caller has checked their unique keys (`taken_keys`); rows, ids and audit events
    come out as one `create` per contract, in order, would give them.
    """
    insert_objects(session, contracts)
    suppliers = []
    for contract in contracts:
        for supplier in contract.suppliers:
            supplier.contract_id = contract.id
            suppliers.append(supplier)
    insert_objects(session, suppliers, ids=False)
    reports = deadlines.on_contracts_inserted(session, contracts, now=now, settings=settings)
    for contract, extra, report in zip(contracts, details, reports, strict=True):
        _audit_created(session, contract, actor, now, action, extra)
        audit_sync(session, report, actor=actor, now=now, contract_id=contract.id, case_id=None)


def taken_keys(session: Session, references: Iterable[str]) -> dict[tuple[str, str], int]:
    """Contracts holding any of the references: (buyer name, reference) -> id."""
    rows = session.execute(
        select(Contract.buyer_name, Contract.reference, Contract.id).where(
            Contract.reference.in_(list(references))
        )
    )
    return {(buyer, reference): cid for buyer, reference, cid in rows}


def duplicate_reference(clash: int, buyer: str, reference: str) -> Conflict:
    """The refusal of a second contract with a buyer's reference."""
    return Conflict(
        f"contract {clash} of {buyer} already has reference {reference!r}", code="duplicate"
    )


def get(*, session: Session, contract_id: int) -> Contract:
    """One contract or 404."""
    return found(session.get(Contract, contract_id), "contract", contract_id)


def update(
    *,
    session: Session,
    contract: Contract,
    patch: ContractPatch,
    actor: Actor | None,
    now: datetime,
    settings: Settings,
    if_match: int | None = None,
    action: str = "contract.updated",
    details: dict[str, Any] | None = None,
) -> bool:
    """Apply a partial change; audit before/after of what changed. False if nothing did."""
    check_version("contract", contract.version, if_match=if_match, expected=patch.version)
    sent = patch.model_dump(exclude_unset=True, exclude={"version", "reason"})
    for required in ("reference", "title", "buyer", "regime", "calendar", "agreement"):
        if required in sent and sent[required] is None:
            raise Unprocessable(
                f"{required} cannot be removed",
                problems=[{"field": required, "message": "may not be null"}],
            )
    before = terms_of(contract)
    after = {**before, **sent}
    changes = {
        k: {"before": jsonable(before[k]), "after": jsonable(after[k])}
        for k in sent
        if jsonable(before[k]) != jsonable(after[k])
    }
    if not changes:
        return False
    _check(after)
    _check_unique(
        session,
        buyer=after["buyer"]["name"],
        reference=after["reference"],
        ocid=None,
        own_id=contract.id,
    )
    apply_terms(contract, {k: after[k] for k in changes})
    contract.updated_at = now
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=action,
        at=now,
        contract_id=contract.id,
        reason=patch.reason,
        details={"changes": changes, **(details or {})},
    )
    _run_hooks(session, contract, actor, now, settings)
    return True


def _run_hooks(
    session: Session, contract: Contract, actor: Actor | None, now: datetime, settings: Settings
) -> None:
    # Terms created or changed: their deadlines and reminders follow in this transaction.
    deadlines.on_terms_changed(session, contract, actor, now, settings)


def list_query(
    *,
    q: str | None = None,
    supplier: str | None = None,
    buyer: str | None = None,
    ends_before: date | None = None,
    ends_after: date | None = None,
    after_id: int | None = None,
) -> Select[Contract]:
    """Contracts matching the filters, by id."""
    stmt = select(Contract).order_by(Contract.id)
    if q:
        stmt = stmt.where(
            Contract.title.icontains(q, autoescape=True)
            | Contract.reference.icontains(q, autoescape=True)
            | Contract.description.icontains(q, autoescape=True)
            | (Contract.ocid == q)
        )
    if supplier:
        stmt = stmt.where(
            exists().where(
                ContractSupplier.contract_id == Contract.id,
                ContractSupplier.name.icontains(supplier, autoescape=True)
                | (ContractSupplier.companies_house_number == supplier.upper()),
            )
        )
    if buyer:
        stmt = stmt.where(Contract.buyer_name.icontains(buyer, autoescape=True))
    if ends_before:
        stmt = stmt.where(Contract.end_date < ends_before)
    if ends_after:
        stmt = stmt.where(Contract.end_date >= ends_after)
    if after_id is not None:
        stmt = stmt.where(Contract.id > after_id)
    return stmt
