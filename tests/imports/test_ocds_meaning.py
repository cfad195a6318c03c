"""What Contracts Finder data means (issue 14): each rule names the data finding it follows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.deadlines.models import Deadline
from app.imports.ocds_kind import classify, supplier_key
from tests.imports.helpers import by_ocid, import_doc, package, release


def _award(aid: str, end: str, start: str = "2023-01-01T00:00:00Z") -> dict[str, object]:
    return {
        "id": aid,
        "suppliers": [{"id": "s", "name": "Acme IT Ltd"}],
        "contractPeriod": {"startDate": start, "endDate": end},
    }


def test_several_contracts_end_with_the_latest_current_term(db: sessionmaker[Session]) -> None:
    # Issue 14, held-out data: a two-contract release stored 2024-12-31, not 2027-12-31.
    doc = release(
        awards=[_award("a1", "2024-12-31T00:00:00Z"), _award("a2", "2027-12-31T00:00:00Z")],
        contracts=[
            {
                "id": "c1",
                "awardID": "a1",
                "period": {"startDate": "2022-01-01T00:00:00Z", "endDate": "2024-12-31T00:00:00Z"},
            },
            {
                "id": "c2",
                "awardID": "a2",
                "period": {"startDate": "2023-01-01T00:00:00Z", "endDate": "2027-12-31T00:00:00Z"},
            },
        ],
    )
    with db.begin() as session:
        import_doc(session, package(doc))
    with db() as session:
        contract = by_ocid(session, "ocds-test-1")
        assert (contract.start_date, contract.end_date) == (date(2022, 1, 1), date(2027, 12, 31))


def test_placeholder_values_are_unknown(db: sessionmaker[Session]) -> None:
    # Contracts Finder placeholders (£0, £0.10, £3) stand for "not stated".
    for i, amount in enumerate((0, 0.1, 3)):
        doc = release(ocid=f"ocds-test-p{i}", id=f"r{i}")
        doc["awards"][0]["value"] = {"amount": amount, "currency": "GBP"}
        with db.begin() as session:
            import_doc(session, package(doc))
        with db() as session:
            assert by_ocid(session, f"ocds-test-p{i}").value_amount is None, amount
    real = release(ocid="ocds-test-real", id="rr")
    real["awards"][0]["value"] = {"amount": 0.1, "currency": "GBP"}
    real["tender"]["value"] = {"amount": 250000, "currency": "GBP"}
    with db.begin() as session:
        import_doc(session, package(real))
    with db() as session:
        assert by_ocid(session, "ocds-test-real").value_amount == Decimal("250000.00")


def test_one_supplier_under_two_party_ids_is_one_supplier(db: sessionmaker[Session]) -> None:
    # Held-out data: the same company listed as "ACME IT LTD" and "Acme I.T. Limited".
    assert supplier_key("ACME IT LTD") == supplier_key("Acme IT Limited.")
    doc = release()
    doc["parties"].append({"id": "s2", "name": "ACME IT LIMITED", "roles": ["supplier"]})
    doc["awards"][0]["suppliers"].append({"id": "s2", "name": "ACME IT LIMITED"})
    with db.begin() as session:
        import_doc(session, package(doc))
    with db() as session:
        assert [s.name for s in by_ocid(session, "ocds-test-1").suppliers] == ["Acme IT Ltd"]


def test_frameworks_and_dps_are_classified_and_get_no_exit_deadlines(
    db: sessionmaker[Session],
) -> None:
    call_off = {"tender": {"procurementMethodDetails": "Call off from a Framework Agreement"}}
    assert classify(call_off, 1) == "contract"
    further = {"tender": {"procurementMethodDetails": "Other - Further Competition via a DPS"}}
    assert classify(further, 1) == "contract"
    assert classify({"tender": {"title": "Dynamic Purchasing System for taxis"}}, 1) == "dps"
    assert classify({"tender": {"title": "IT services framework"}}, 1) == "framework"
    assert classify({"tender": {"title": "Managed IT"}}, 12) == "framework"
    doc = release(tender={"title": "Digital services framework agreement"})
    with db.begin() as session:
        import_doc(session, package(doc))
    with db() as session:
        framework = by_ocid(session, "ocds-test-1")
        assert framework.agreement == "framework"
        scope = f"contract:{framework.id}"
        assert not session.scalars(select(Deadline).where(Deadline.scope == scope)).all()


def test_tender_only_releases_are_pipeline_not_contracts(db: sessionmaker[Session]) -> None:
    # Held-out data: 180 of 370 UK releases are tenders with no award and no dates.
    tender = release(ocid="ocds-test-t", id="t1", tag=["tender"], awards=[])
    with db.begin() as session:
        report = import_doc(session, package(tender)).as_dict()
    assert (report["created"], report["tender_only"]) == (0, 1)
    assert report["skipped"][0]["reason"] == (
        "tender only (pipeline): no award, contract or dates yet"
    )


def test_imported_contracts_infer_their_regime_from_their_dates(db: sessionmaker[Session]) -> None:
    # Procurement Act 2023 in force 24 February 2025 (SI 2024/716 as amended by SI 2024/959).
    new = release(ocid="ocds-test-new", id="n1")
    new["awards"][0]["contractPeriod"] = {
        "startDate": "2025-06-01T00:00:00Z",
        "endDate": "2028-05-31T00:00:00Z",
    }
    with db.begin() as session:
        import_doc(session, package(release(), new))
    with db() as session:
        assert by_ocid(session, "ocds-test-1").regime == "pcr2015"
        assert by_ocid(session, "ocds-test-new").regime == "pa2023"
