"""OCDS import of the published samples: the 100 real Contracts Finder packages field by field,
and the OCDS fictional example converging by every route. They live outside the repository;
without them these tests skip (CI=true: fail)."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.audit.service import verify
from app.imports.models import ContractOcdsRelease
from tests.imports.helpers import by_ocid, converge, counts, import_path, imports_audited, snapshot
from tests.imports.samples import CF_NAMES, EXAMPLE_PACKAGE, EXAMPLE_RECORD, EXAMPLE_STAGE_NAMES

pytestmark = pytest.mark.usefixtures("ocds_samples")


def import_all_cf(db: sessionmaker[Session], cf: Path) -> list[dict[str, Any]]:
    reports = []
    for path in (cf / name for name in CF_NAMES):
        with db.begin() as session:
            reports.append(import_path(session, path).as_dict())
    return reports


# --- the 100 real Contracts Finder packages ------------------------------------------------


def test_every_contracts_finder_file_imports_quickly_and_reimports_unchanged(
    db: sessionmaker[Session], cf: Path
) -> None:
    started = time.perf_counter()
    reports = import_all_cf(db, cf)
    elapsed = time.perf_counter() - started
    assert len(reports) == 100
    assert all((r["created"], r["updated"], r["skipped"]) == (1, 0, []) for r in reports)
    assert elapsed < 15, f"100 files took {elapsed:.1f}s"
    assert counts(db)[::2] == (100, 100)
    assert imports_audited(db) == {"contract.imported": 100}
    after_first = counts(db)
    with db() as session:
        before = snapshot(session)
        assert verify(session=session).ok
    again = import_all_cf(db, cf)
    assert all((r["created"], r["updated"], r["unchanged"]) == (0, 0, 1) for r in again)
    assert counts(db) == after_first
    with db() as session:
        assert snapshot(session) == before


def test_nda_internal_audit_field_by_field_against_the_source(
    db: sessionmaker[Session], cf: Path
) -> None:
    path = cf / "ocds-b5fd17raw-9c26b900-06ef-4059-8332-7db676c30b8d.json"
    source = json.loads(path.read_text())["releases"][0]
    with db.begin() as session:
        report = import_path(session, path)
    with db() as session:
        c = by_ocid(session, source["ocid"])
        assert report.as_dict()["contracts"] == [
            {"id": c.id, "ocid": source["ocid"], "outcome": "created"}
        ]
        award = source["awards"][0]
        assert (c.reference, c.source, c.version) == (source["ocid"], "ocds", 1)
        assert c.title == source["tender"]["title"]
        assert (c.buyer_name, c.buyer_identifier) == (source["buyer"]["name"], "GB-GOR-PB197")
        assert [(s.name, s.companies_house_number) for s in c.suppliers] == [
            ("DELOITTE LLP", "OC303675"),
            ("Price Waterhouse Coopers Llp", "OC303525"),
        ]
        assert (c.value_amount, c.value_currency) == (
            Decimal(award["value"]["amount"]),
            award["value"]["currency"],
        )
        assert c.start_date == date.fromisoformat(award["contractPeriod"]["startDate"][:10])
        assert c.end_date == date.fromisoformat(award["contractPeriod"]["endDate"][:10])
        assert (c.max_end_date, c.date_signed, c.amendments) == (None, None, [])
        assert (c.ocds_release_id, c.ocds_dates_source) == (source["id"], "awards")
        assert c.ocds_release_date == datetime(2020, 4, 9, tzinfo=UTC)
        assert c.ocds_source_file == path.name
        [kept] = session.scalars(select(ContractOcdsRelease))
        assert (kept.contract_id, kept.release_id, kept.raw) == (c.id, source["id"], source)
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action.like("contract.%")))
        assert (event.action, event.actor, event.contract_id) == (
            "contract.imported",
            "system",
            c.id,
        )
        assert event.details["source_file"] == path.name
        assert event.details["release_id"] == source["id"]
        assert event.details["after"]["end_date"] == "2024-04-30"


@pytest.mark.parametrize(
    ("stem", "title", "suppliers", "value", "period"),
    [
        (
            "24a41253-ebd4-4bd0-83a8-cfb05c4b8acd",
            "RM6134 Media Monitoring and Associated Services",
            [("Cision Group Ltd", "00874637"), ("Media Measurement", "02587564")],
            Decimal(10000000),
            (date(2020, 6, 1), date(2022, 5, 31)),
        ),
        (
            "0054a4e6-0715-42c6-9109-e219fe9d3289",
            "UK Film Presence at Cannes 2020 - AWARD",
            [("PETER DISPLAYS LTD T/A LIMELIGHT", None), ("Premier", None)],
            Decimal(93527),
            (date(2019, 12, 9), date(2020, 12, 8)),
        ),
    ],
)
def test_more_contracts_field_by_field(
    db: sessionmaker[Session],
    cf: Path,
    stem: str,
    title: str,
    suppliers: list[tuple[str, str | None]],
    value: Decimal,
    period: tuple[date, date],
) -> None:
    path = cf / f"ocds-b5fd17raw-{stem}.json"
    with db.begin() as session:
        import_path(session, path)
    with db() as session:
        c = by_ocid(session, path.stem)
        assert c.title == title
        assert [(s.name, s.companies_house_number) for s in c.suppliers][:2] == suppliers
        assert (c.value_amount, c.value_currency) == (value, "GBP")
        assert (c.start_date, c.end_date, c.ocds_dates_source) == (*period, "awards")


# --- the OCDS fictional example: every route converges ---------------------------------------


def test_example_routes_converge_to_the_same_contract(
    db: sessionmaker[Session], examples: Path
) -> None:
    package_state, [report] = converge(db, [examples / EXAMPLE_PACKAGE])
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 4, 1)
    record_state, [record_report] = converge(db, [examples / EXAMPLE_RECORD])
    assert record_report["created"] == 1
    singles_state, single_reports = converge(db, [examples / name for name in EXAMPLE_STAGE_NAMES])
    assert [r["contracts"][0]["outcome"] for r in single_reports] == [
        "created",
        "updated",
        "updated",
        "updated",
        "updated",
        "unchanged",
    ]
    # The version counts term changes, so it depends on the route; everything else may not.
    for state in (package_state, record_state, singles_state):
        for row in state:
            row.pop("version")
    assert package_state == record_state == singles_state
    [final] = package_state
    assert final["title"] == "Contract to build new cycle lanes in the centre of town."
    assert (final["max_end_date"], final["date_signed"]) == ("2011-12-31", "2010-06-10")
    assert final["suppliers"] == [
        {"name": "AnyCorp Cycle Provision", "companies_house_number": "11111111"}
    ]
    assert [a["path"] for a in final["amendments"]] == ["tender.amendments[0]"]
    assert final["dates_source"] == "contracts"


def test_record_then_package_changes_nothing(db: sessionmaker[Session], examples: Path) -> None:
    _, reports = converge(db, [examples / EXAMPLE_RECORD, examples / EXAMPLE_PACKAGE])
    assert (reports[1]["unchanged"], len(reports[1]["skipped"])) == (1, 5)
    assert reports[1]["skipped"][0]["reason"].startswith("older than release")


def test_package_updates_are_audited_with_source_and_release(
    db: sessionmaker[Session], examples: Path
) -> None:
    with db.begin() as session:
        import_path(session, examples / EXAMPLE_PACKAGE)
    with db() as session:
        stmt = select(AuditEvent).where(AuditEvent.action.like("contract.%"))
        events = list(session.scalars(stmt.order_by(AuditEvent.seq)))
        assert [e.action for e in events] == ["contract.imported"] + ["contract.updated"] * 4
        tender = events[1].details
        assert tender["release_id"] == "ocds-213czf-000-00001-02-tender"
        assert tender["source_file"] == EXAMPLE_PACKAGE
        assert tender["changes"]["value"] == {
            "before": {"amount": "1000000.00", "currency": "GBP"},
            "after": {"amount": "1100000.00", "currency": "GBP"},
        }
        amendment = events[2].details
        assert (amendment["changes"], len(amendment["amendments_added"])) == ({}, 1)
        c = by_ocid(session, "ocds-213czf-000-00001")
        # Provenance follows the newest release even when its terms were the same.
        assert c.ocds_release_id == "ocds-213czf-000-00001-06-implementation"
        assert c.version == 4
        assert len(list(session.scalars(select(ContractOcdsRelease)))) == 6
