"""Each supplier's own award value (issue 14: "per-supplier award values (parties[].x_awardValue)
are used when present"), built in the test from Contracts Finder's shape, never from its data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from tests.imports.helpers import by_ocid, import_doc, package, release


def _two_suppliers(first: Any = 600000, second: Any = 400000, **overrides: Any) -> dict[str, Any]:
    """A Contracts Finder style release: one award, two suppliers, x_awardValue on each party."""
    doc = release(**overrides)
    doc["parties"] = [
        {"id": "b", "name": "Borsetshire Council", "roles": ["buyer"]},
        {
            "id": "1",
            "name": "Acme IT Ltd",
            "roles": ["supplier"],
            "x_awardValue": {"currency": "GBP", "amount": first},
        },
        {
            "id": "2",
            "name": "Brightside Services Limited",
            "roles": ["supplier"],
            "x_awardValue": {"currency": "GBP", "amount": second},
        },
    ]
    doc["awards"][0]["value"] = {"amount": 1000000, "currency": "GBP"}
    doc["awards"][0]["suppliers"] = [
        {"id": "1", "name": "Acme IT Ltd"},
        {"id": "2", "name": "Brightside Services Limited"},
    ]
    return doc


def _values(
    session: Any, ocid: str = "ocds-test-1"
) -> list[tuple[str, Decimal | None, str | None]]:
    contract = by_ocid(session, ocid)
    return [(s.name, s.award_value, s.award_currency) for s in contract.suppliers]


def _events(session: Any) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action.like("contract.%")).order_by(AuditEvent.seq)
    return list(session.scalars(stmt))


def test_two_suppliers_keep_their_own_award_values(db: sessionmaker[Session]) -> None:
    with db.begin() as session:
        import_doc(session, package(_two_suppliers()))
    with db() as session:
        assert _values(session) == [
            ("Acme IT Ltd", Decimal("600000.00"), "GBP"),
            ("Brightside Services Limited", Decimal("400000.00"), "GBP"),
        ]
        # The contract's own value is still the award's (the register's term).
        assert by_ocid(session, "ocds-test-1").value_amount == Decimal("1000000.00")
        (event,) = _events(session)
        assert event.action == "contract.imported"
        # The audit names the release the split rests on, and what it said.
        assert event.details["release_id"] == "ocds-test-1-award"
        assert event.details["supplier_awards"] == [
            {"name": "Acme IT Ltd", "award_value": "600000.00", "currency": "GBP"},
            {"name": "Brightside Services Limited", "award_value": "400000.00", "currency": "GBP"},
        ]


def test_placeholder_award_values_are_unknown(db: sessionmaker[Session]) -> None:
    # Contracts Finder's £0, £0.10 and £3 stand for "not stated" (app/imports/ocds_kind.py).
    for i, placeholder in enumerate((0, 0.1, 3, 9.99)):
        ocid = f"ocds-test-p{i}"
        with db.begin() as session:
            import_doc(session, package(_two_suppliers(placeholder, ocid=ocid, id=f"r{i}")))
        with db() as session:
            assert _values(session, ocid) == [
                ("Acme IT Ltd", None, None),
                ("Brightside Services Limited", Decimal("400000.00"), "GBP"),
            ], placeholder


def test_single_supplier_awards_give_each_supplier_its_award_value(
    db: sessionmaker[Session],
) -> None:
    doc = _two_suppliers()
    for party in doc["parties"]:
        party.pop("x_awardValue", None)
    first, second = doc["awards"][0]["suppliers"]
    doc["awards"] = [
        {
            **doc["awards"][0],
            "id": "a1",
            "suppliers": [first],
            "value": {"amount": 300000, "currency": "GBP"},
        },
        {
            **doc["awards"][0],
            "id": "a2",
            "suppliers": [second],
            "value": {"amount": 100000, "currency": "GBP"},
        },
    ]
    with db.begin() as session:
        import_doc(session, package(doc))
    with db() as session:
        assert _values(session) == [
            ("Acme IT Ltd", Decimal("300000.00"), "GBP"),
            ("Brightside Services Limited", Decimal("100000.00"), "GBP"),
        ]


def test_an_award_shared_by_two_suppliers_gives_neither_a_value(db: sessionmaker[Session]) -> None:
    doc = _two_suppliers()
    for party in doc["parties"]:
        party.pop("x_awardValue", None)
    with db.begin() as session:
        import_doc(session, package(doc))
    with db() as session:
        assert [v for _, v, _ in _values(session)] == [None, None]


def test_a_supplier_listed_twice_is_one_supplier_with_one_value(db: sessionmaker[Session]) -> None:
    doc = _two_suppliers()
    doc["parties"].append(
        {
            "id": "3",
            "name": "acme it limited",
            "roles": ["supplier"],
            "x_awardValue": {"currency": "GBP", "amount": 600000},
        }
    )
    doc["awards"][0]["suppliers"].append({"id": "3", "name": "acme it limited"})
    with db.begin() as session:
        import_doc(session, package(doc))
    with db() as session:
        assert _values(session) == [
            ("Acme IT Ltd", Decimal("600000.00"), "GBP"),
            ("Brightside Services Limited", Decimal("400000.00"), "GBP"),
        ]


def test_reimport_is_idempotent_and_a_new_value_is_audited(db: sessionmaker[Session]) -> None:
    with db.begin() as session:
        import_doc(session, package(_two_suppliers()))
    with db.begin() as session:
        report = import_doc(session, package(_two_suppliers())).as_dict()
        assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 1)
    with db() as session:
        assert len(_events(session)) == 1
        version = by_ocid(session, "ocds-test-1").version
    # A later release changes only the split: the contract is updated, and the audit says why.
    later = _two_suppliers(700000, 300000, id="ocds-test-1-later", date="2020-06-01T00:00:00Z")
    with db.begin() as session:
        report = import_doc(session, package(later)).as_dict()
        assert report["updated"] == 1
    with db() as session:
        assert [v for _, v, _ in _values(session)] == [Decimal("700000.00"), Decimal("300000.00")]
        event = _events(session)[-1]
        assert event.action == "contract.updated"
        assert event.details["release_id"] == "ocds-test-1-later"
        assert event.details["supplier_awards"][0]["award_value"] == "700000.00"
        # Award values are not API terms: the ETag does not move.
        assert by_ocid(session, "ocds-test-1").version == version
    with db.begin() as session:
        assert import_doc(session, package(later)).as_dict()["unchanged"] == 1
    with db() as session:
        assert len(_events(session)) == 2
