"""OCDS import through the service: real data field by field, convergence, upserts, refusals."""

from __future__ import annotations

import copy
import json
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.chain import jsonable, verify
from app.audit.models import AuditEvent
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.contracts.schemas import ContractCreate
from app.imports.models import ContractOcdsRelease
from app.imports.service import OcdsImportError
from tests.imports.helpers import (
    CF,
    CF_FILES,
    NOW,
    PACKAGE,
    RECORD,
    STAGE_FILES,
    counts,
    import_doc,
    import_path,
    package,
    release,
)


def by_ocid(session: Session, ocid: str) -> Contract:
    contract = session.scalar(select(Contract).where(Contract.ocid == ocid))
    assert contract is not None
    return contract


def snapshot(session: Session) -> list[dict[str, Any]]:
    """Everything an import may write about each contract, in comparable form."""
    rows = session.scalars(select(Contract).order_by(Contract.ocid))
    return [
        jsonable(
            {
                **contracts.terms_of(c),
                "ocid": c.ocid,
                "version": c.version,
                "amendments": c.amendments,
                "dates_source": c.ocds_dates_source,
            }
        )
        for c in rows
    ]


def imports_audited(db: sessionmaker[Session]) -> dict[str, int]:
    """contract.* audit events by action (other packages audit their own work too)."""
    with db() as session:
        rows = session.execute(
            select(AuditEvent.action, func.count())
            .where(AuditEvent.action.like("contract.%"))
            .group_by(AuditEvent.action)
        )
        return dict(rows.all())


def manual_contract(session: Session, notice_days: int) -> None:
    body = ContractCreate(
        reference="BC-1",
        title="Ours",
        buyer={"name": "Borsetshire Council"},  # type: ignore[arg-type]
        ocid="ocds-test-1",
        notice_period_days=notice_days,
    )
    contracts.create(session=session, data=body, actor=None, now=NOW)


def import_all_cf(db: sessionmaker[Session]) -> list[dict[str, Any]]:
    reports = []
    for path in CF_FILES:
        with db.begin() as session:
            reports.append(import_path(session, path).as_dict())
    return reports


# --- the 100 real Contracts Finder packages ------------------------------------------------


def test_every_contracts_finder_file_imports_quickly_and_reimports_unchanged(db) -> None:
    started = time.perf_counter()
    reports = import_all_cf(db)
    elapsed = time.perf_counter() - started
    assert len(reports) == 100
    assert all((r["created"], r["updated"], r["skipped"]) == (1, 0, []) for r in reports)
    assert elapsed < 15, f"100 files took {elapsed:.1f}s"
    assert counts(db)[::2] == (100, 100)
    assert imports_audited(db) == {"contract.imported": 100}
    after_first = counts(db)
    with db() as session:
        before = snapshot(session)
        assert verify(session).ok
    again = import_all_cf(db)
    assert all((r["created"], r["updated"], r["unchanged"]) == (0, 0, 1) for r in again)
    assert counts(db) == after_first
    with db() as session:
        assert snapshot(session) == before


def test_nda_internal_audit_field_by_field_against_the_source(db) -> None:
    path = CF / "ocds-b5fd17raw-9c26b900-06ef-4059-8332-7db676c30b8d.json"
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
def test_more_contracts_field_by_field(db, stem, title, suppliers, value, period) -> None:
    path = CF / f"ocds-b5fd17raw-{stem}.json"
    with db.begin() as session:
        import_path(session, path)
    with db() as session:
        c = by_ocid(session, path.stem)
        assert c.title == title
        assert [(s.name, s.companies_house_number) for s in c.suppliers][:2] == suppliers
        assert (c.value_amount, c.value_currency) == (value, "GBP")
        assert (c.start_date, c.end_date, c.ocds_dates_source) == (*period, "awards")


# --- the OCDS fictional example: every route converges ---------------------------------------


def converge(db: sessionmaker[Session], files: list[Any]) -> tuple[list[Any], list[dict]]:
    """Import the files in order (each its own transaction), then undo; returns the end state."""
    reports = []
    with db() as session:
        for path in files:
            with session.begin_nested():
                reports.append(import_path(session, path).as_dict())
        state = snapshot(session)
        session.rollback()
    return state, reports


def test_example_routes_converge_to_the_same_contract(db) -> None:
    package_state, [report] = converge(db, [PACKAGE])
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 4, 1)
    record_state, [record_report] = converge(db, [RECORD])
    assert record_report["created"] == 1
    singles_state, single_reports = converge(db, STAGE_FILES)
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


def test_record_then_package_changes_nothing(db) -> None:
    _, reports = converge(db, [RECORD, PACKAGE])
    assert (reports[1]["unchanged"], len(reports[1]["skipped"])) == (1, 5)
    assert reports[1]["skipped"][0]["reason"].startswith("older than release")


def test_package_updates_are_audited_with_source_and_release(db) -> None:
    with db.begin() as session:
        import_path(session, PACKAGE)
    with db() as session:
        stmt = select(AuditEvent).where(AuditEvent.action.like("contract.%"))
        events = list(session.scalars(stmt.order_by(AuditEvent.seq)))
        assert [e.action for e in events] == ["contract.imported"] + ["contract.updated"] * 4
        tender = events[1].details
        assert tender["release_id"] == "ocds-213czf-000-00001-02-tender"
        assert tender["source_file"] == PACKAGE.name
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


# --- upsert rules ------------------------------------------------------------------------------


def test_newer_release_updates_older_is_skipped_tie_is_unchanged(db) -> None:
    with db.begin() as session:
        import_doc(session, package(release()))
    newer = release(id="r2", date="2021-01-01T00:00:00Z", tender={"title": "Renamed"})
    older = release(id="r0", date="2019-01-01T00:00:00Z", tender={"title": "Ancient"})
    with db.begin() as session:
        report = import_doc(session, package(newer, older, release())).as_dict()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 0)
    assert [s["release_id"] for s in report["skipped"]] == ["r0", "ocds-test-1-award"]
    with db() as session:
        c = by_ocid(session, "ocds-test-1")
        assert (c.title, c.version, c.ocds_release_id) == ("Renamed", 2, "r2")
        stmt = select(AuditEvent).where(AuditEvent.action == "contract.updated")
        event = session.scalars(stmt).first()
        assert event is not None and event.details["changes"]["title"]["after"] == "Renamed"
    with db.begin() as session:
        report = import_doc(session, package(newer)).as_dict()
    assert (report["unchanged"], report["contracts"][0]["outcome"]) == (1, "unchanged")


def test_newer_release_with_the_same_terms_keeps_the_version(db) -> None:
    with db.begin() as session:
        import_doc(session, package(release()))
    same = release(id="r2", date="2021-01-01T00:00:00Z")
    with db.begin() as session:
        assert import_doc(session, package(same)).unchanged == 1
    with db() as session:
        c = by_ocid(session, "ocds-test-1")
        assert (c.version, c.ocds_release_id) == (1, "r2")
    assert counts(db)[::2] == (1, 2)
    assert imports_audited(db) == {"contract.imported": 1}


def test_missing_fields_in_a_newer_release_do_not_erase(db) -> None:
    with db.begin() as session:
        import_doc(session, package(release()))
    partial = {"ocid": "ocds-test-1", "id": "r2", "date": "2021-01-01T00:00:00Z", "tag": ["x"]}
    with db.begin() as session:
        import_doc(session, package(partial))
    with db() as session:
        c = by_ocid(session, "ocds-test-1")
        assert (c.buyer_name, c.value_amount, c.end_date) == (
            "Borsetshire Council",
            Decimal("100.50"),
            date(2023, 3, 31),
        )
        assert [s.companies_house_number for s in c.suppliers] == ["01234567"]


def test_manual_contract_with_the_ocid_is_updated_not_duplicated(db) -> None:
    with db.begin() as session:
        manual_contract(session, notice_days=90)
    with db.begin() as session:
        assert import_doc(session, package(release())).updated == 1
    with db() as session:
        c = by_ocid(session, "ocds-test-1")
        assert (c.reference, c.title, c.notice_period_days, c.source) == (
            "BC-1",
            "Managed IT service",
            90,
            "manual",
        )


def test_unsupported_releases_are_skipped_with_reasons(db) -> None:
    no_buyer = release(ocid="ocds-nobuyer", buyer=None, parties=[])
    many = release(
        ocid="ocds-framework",
        awards=[{"suppliers": [{"name": f"S{i}"} for i in range(101)]}],
    )
    doc = {"records": [{"ocid": "ocds-x"}, {"ocid": "ocds-y", "compiledRelease": release()}]}
    with db.begin() as session:
        report = import_doc(session, package(no_buyer, many)).as_dict()
        records = import_doc(session, doc).as_dict()
    assert [s["reason"] for s in report["skipped"]] == [
        "names no buyer: a contract needs one",
        "names 101 suppliers (a framework?); a contract holds at most 100",
    ]
    assert records["created"] == 1
    assert records["skipped"] == [
        {
            "path": "records[0]",
            "release_id": None,
            "ocid": "ocds-x",
            "reason": "record has no compiledRelease",
        },
    ]


# --- refusals: nothing from the file is written ---------------------------------------------


def refused(db: sessionmaker[Session], doc: Any) -> OcdsImportError:
    before = counts(db)
    with pytest.raises(OcdsImportError) as info, db.begin() as session:
        import_doc(session, doc)
    assert counts(db) == before
    return info.value


def bad_dates() -> dict[str, Any]:
    bad = release(ocid="ocds-bad", id="bad-1")
    bad["awards"][0]["contractPeriod"]["endDate"] = "2019-01-01T00:00:00Z"
    return bad


@pytest.mark.parametrize(
    ("doc", "path", "message"),
    [
        (b'{"releases": [{"ocid": "x",', "releases[0]", "invalid JSON"),
        (b"", "$", "invalid JSON: the document is empty"),
        ([1, 2], "$", "not an OCDS release or record package"),
        ({"hello": "world"}, "$", "not an OCDS release or record package"),
        (package(release(), release(ocid=None)), "releases[1].ocid", "missing or empty ocid"),
        (
            package(*[release(ocid=f"ocds-{i}") for i in range(3)], bad_dates()),
            "releases[3].awards[0].contractPeriod.endDate",
            "end date 2019-01-01 is before start date 2020-04-01",
        ),
        (
            package(release(date="2020-02-30T00:00:00Z")),
            "releases[0].date",
            "unparsable date",
        ),
    ],
)
def test_bad_input_is_refused_whole(db, doc, path, message) -> None:
    with db.begin() as session:
        import_doc(session, package(release(ocid="ocds-already-there")))
    error = refused(db, doc)
    assert error.error_code == "invalid_ocds"
    assert error.problems[0]["path"] == path
    assert message in error.problems[0]["message"]
    assert message in error.detail


def test_error_names_the_release_id_and_every_problem(db) -> None:
    second = copy.deepcopy(bad_dates())
    second["id"] = "bad-2"
    error = refused(db, package(release(), bad_dates(), second))
    assert [p["release_id"] for p in error.problems] == ["bad-1", "bad-2"]
    assert error.detail.startswith("releases[1] (id bad-1): awards[0].contractPeriod.endDate:")
    assert error.detail.endswith("(and 1 more problem(s))")


def test_terms_breaking_the_register_rules_are_refused(db) -> None:
    with db.begin() as session:
        manual_contract(session, notice_days=3000)
    error = refused(db, package(release(ocid="ocds-other"), release()))
    assert error.problems[0]["path"] == "releases[1].awards[0].contractPeriod.endDate"
    assert "notice period of 3000 days" in error.problems[0]["message"]


def test_unknown_currency_names_the_value_path(db) -> None:
    bad = release()
    bad["awards"][0]["value"]["currency"] = "XYZ"
    error = refused(db, package(bad))
    assert error.problems[0]["path"] == "releases[0].awards[0].value.currency"
