"""OCDS import through the service, on Handover's own OCDS files: field by field, every route
converging, upserts, refusals. The published samples: test_samples_import.py."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.audit.service import verify
from app.config import get_settings
from app.contracts import service as contracts
from app.contracts.schemas import ContractCreate
from app.deadlines.models import Deadline
from app.imports.models import ContractOcdsRelease
from app.imports.service import OcdsImportError
from tests.imports.helpers import (
    BAD_FILES,
    CF_STYLE,
    FIXTURES,
    GOOD_FILES,
    NOW,
    PACKAGE,
    RECORD,
    STAGE_FILES,
    by_ocid,
    converge,
    counts,
    import_doc,
    import_path,
    imports_audited,
    package,
    release,
    snapshot,
)


def manual_contract(session: Session, notice_days: int) -> None:
    body = ContractCreate(
        reference="BC-1",
        title="Ours",
        buyer={"name": "Borsetshire Council"},
        ocid="ocds-test-1",
        notice_period_days=notice_days,
    )
    contracts.create(session=session, data=body, actor=None, now=NOW, settings=get_settings())


# --- every fixture file ------------------------------------------------------------------------


def test_every_fixture_imports_and_reimports_unchanged(db: sessionmaker[Session]) -> None:
    reports = []
    for path in GOOD_FILES:
        with db.begin() as session:
            reports.append(import_path(session, path).as_dict())
    # One contract each: Contracts Finder style, two awards, the call-off, the lifecycle;
    # four currencies; and the framework itself, now kept as a framework (issue 14).
    assert sum(r["created"] for r in reports) == 9
    with db() as session:
        before = snapshot(session)
        assert verify(session=session).ok
    after_first = counts(db)
    for path in GOOD_FILES:
        with db.begin() as session:
            again = import_path(session, path).as_dict()
        assert (again["created"], again["updated"]) == (0, 0), path.name
    assert counts(db) == after_first
    with db() as session:
        assert snapshot(session) == before


def test_contracts_finder_style_release_field_by_field_against_the_source(
    db: sessionmaker[Session],
) -> None:
    source = json.loads(CF_STYLE.read_text())["releases"][0]
    with db.begin() as session:
        report = import_path(session, CF_STYLE)
    with db() as session:
        c = by_ocid(session, source["ocid"])
        assert report.as_dict()["contracts"] == [
            {"id": c.id, "ocid": source["ocid"], "outcome": "created"}
        ]
        award = source["awards"][0]
        assert (c.reference, c.source, c.version) == (source["ocid"], "ocds", 1)
        assert c.title == "Internal audit support & assurance"
        assert (c.buyer_name, c.buyer_identifier) == ("AMBRIDGE & DISTRICT HEALTH BOARD", None)
        assert [(s.name, s.companies_house_number) for s in c.suppliers] == [
            ("Grundy & Sons (Audit) Ltd", "00874637"),
            ("Felpersham Data LLP", "SC177530"),
            ("Hollerton Print", None),
        ]
        assert (c.value_amount, c.value_currency) == (Decimal("93527.50"), "GBP")
        assert c.start_date == date.fromisoformat(award["contractPeriod"]["startDate"][:10])
        assert c.end_date == date.fromisoformat(award["contractPeriod"]["endDate"][:10])
        assert (c.max_end_date, c.date_signed, c.amendments) == (None, None, [])
        # OCDS has no field for the termination assistance notice: left for a person.
        assert c.termination_assistance_notice_days is None
        assert (c.ocds_release_id, c.ocds_dates_source) == (source["id"], "awards")
        assert c.ocds_release_date == datetime(2020, 4, 9, tzinfo=UTC)
        assert c.ocds_source_file == CF_STYLE.name
        [kept] = session.scalars(select(ContractOcdsRelease))
        assert (kept.contract_id, kept.release_id, kept.raw) == (c.id, source["id"], source)
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action.like("contract.%")))
        assert (event.action, event.actor, event.contract_id) == (
            "contract.imported",
            "system",
            c.id,
        )
        assert event.details["source_file"] == CF_STYLE.name
        assert event.details["release_id"] == source["id"]
        assert event.details["after"]["end_date"] == "2024-04-30"
        assert event.details["after"]["value"] == {"amount": "93527.50", "currency": "GBP"}


def test_amounts_are_held_to_the_cent_in_their_currency(db: sessionmaker[Session]) -> None:
    with db.begin() as session:
        import_path(session, FIXTURES / "currencies.json")
    with db() as session:
        held = {
            c.ocid: (c.value_amount, c.value_currency)
            for c in (by_ocid(session, f"ocds-hvtest-cur-{n}") for n in range(1, 5))
        }
    assert held == {
        "ocds-hvtest-cur-1": (Decimal("1234.57"), "GBP"),  # 1234.565, rounded half up
        "ocds-hvtest-cur-2": (Decimal("98000.10"), "EUR"),
        "ocds-hvtest-cur-3": (Decimal("250000.00"), "USD"),
        "ocds-hvtest-cur-4": (Decimal("15000000.00"), "JPY"),
    }


def test_a_framework_is_kept_as_a_framework_and_its_call_off_imported_as_a_contract(
    db: sessionmaker[Session],
) -> None:
    # Issue 14: a framework (101 suppliers) is not a contract to exit: it is kept and
    # searchable as a framework, with no deadlines; its call-off is a contract.
    with db.begin() as session:
        report = import_path(session, FIXTURES / "framework.json").as_dict()
    assert (report["created"], report["skipped"]) == (2, [])
    with db() as session:
        framework = by_ocid(session, "ocds-hvtest-fw-01")
        assert framework.agreement == "framework" and len(framework.suppliers) == 100
        assert not session.scalars(
            select(Deadline).where(Deadline.scope == f"contract:{framework.id}")
        ).all()
        call_off = by_ocid(session, "ocds-hvtest-fw-01-co-07")
        assert call_off.agreement == "contract"
        assert [s.companies_house_number for s in call_off.suppliers] == ["09000007"]


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_every_bad_fixture_is_refused_whole(db: sessionmaker[Session], path: Path) -> None:
    with db.begin() as session:
        import_doc(session, package(release(ocid="ocds-already-there")))
    before = counts(db)
    with pytest.raises(OcdsImportError) as info, db.begin() as session:
        import_path(session, path)
    assert counts(db) == before
    assert info.value.error_code == "invalid_ocds"
    assert info.value.problems[0]["path"]


# --- one contract's life: every route converges -----------------------------------------------


def test_lifecycle_routes_converge_to_the_same_contract(db: sessionmaker[Session]) -> None:
    package_state, [report] = converge(db, [PACKAGE])
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 4, 0)
    record_state, [record_report] = converge(db, [RECORD])
    assert (record_report["created"], len(record_report["skipped"])) == (1, 1)
    singles_state, single_reports = converge(db, STAGE_FILES)
    outcomes = [r["contracts"][0]["outcome"] for r in single_reports]
    assert outcomes == ["created", "updated", "updated", "updated", "updated"]
    # The version counts term changes, so it depends on the route; everything else may not.
    for state in (package_state, record_state, singles_state):
        for row in state:
            row.pop("version")
    assert package_state == record_state == singles_state
    [final] = package_state
    assert final["title"] == "Managed network service"
    assert (final["end_date"], final["max_end_date"], final["date_signed"]) == (
        "2025-05-31",
        "2026-05-31",
        "2021-05-18",
    )
    assert final["suppliers"] == [
        {"name": "Lakey Hill Networks Ltd", "companies_house_number": "03456789"}
    ]
    assert final["value"] == {"amount": "1050000.00", "currency": "GBP"}
    assert [a["path"] for a in final["amendments"]] == [
        "tender.amendments[0]",
        "contracts[0].amendments[0]",
    ]
    assert final["dates_source"] == "contracts"


def test_record_then_package_changes_nothing(db: sessionmaker[Session]) -> None:
    _, reports = converge(db, [RECORD, PACKAGE])
    assert (reports[1]["unchanged"], len(reports[1]["skipped"])) == (1, 4)
    assert reports[1]["skipped"][0]["reason"].startswith("older than release")


def test_package_updates_are_audited_with_source_and_release(db: sessionmaker[Session]) -> None:
    with db.begin() as session:
        import_path(session, PACKAGE)
    with db() as session:
        stmt = select(AuditEvent).where(AuditEvent.action.like("contract.%"))
        events = list(session.scalars(stmt.order_by(AuditEvent.seq)))
        assert [e.action for e in events] == ["contract.imported"] + ["contract.updated"] * 4
        amended = events[1].details
        assert amended["release_id"] == "ocds-hvtest-0001-02-tenderAmendment"
        assert amended["source_file"] == PACKAGE.name
        assert amended["changes"]["value"] == {
            "before": {"amount": "1000000.00", "currency": "GBP"},
            "after": {"amount": "1100000.00", "currency": "GBP"},
        }
        assert [a["id"] for a in amended["amendments_added"]] == ["BCC-NET-2021-A1"]
        c = by_ocid(session, "ocds-hvtest-0001")
        assert c.ocds_release_id == "ocds-hvtest-0001-05-implementation"
        assert c.version == 5
        assert len(list(session.scalars(select(ContractOcdsRelease)))) == 5


# --- upsert rules ------------------------------------------------------------------------------


def test_newer_release_updates_older_is_skipped_tie_is_unchanged(db: sessionmaker[Session]) -> None:
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


def test_newer_release_with_the_same_terms_keeps_the_version(db: sessionmaker[Session]) -> None:
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


def test_missing_fields_in_a_newer_release_do_not_erase(db: sessionmaker[Session]) -> None:
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


def test_manual_contract_with_the_ocid_is_updated_not_duplicated(db: sessionmaker[Session]) -> None:
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


def test_unsupported_releases_are_skipped_with_reasons(db: sessionmaker[Session]) -> None:
    no_buyer = release(ocid="ocds-nobuyer", buyer=None, parties=[])
    many = release(
        ocid="ocds-framework",
        tender={"title": "Call-off: managed IT"},  # a call-off, so a contract: at most 100
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
def test_bad_input_is_refused_whole(
    db: sessionmaker[Session], doc: object, path: str, message: str
) -> None:
    with db.begin() as session:
        import_doc(session, package(release(ocid="ocds-already-there")))
    error = refused(db, doc)
    assert error.error_code == "invalid_ocds"
    assert error.problems[0]["path"] == path
    assert message in error.problems[0]["message"]
    assert message in error.detail


def test_error_names_the_release_id_and_every_problem(db: sessionmaker[Session]) -> None:
    second = copy.deepcopy(bad_dates())
    second["id"] = "bad-2"
    error = refused(db, package(release(), bad_dates(), second))
    assert [p["release_id"] for p in error.problems] == ["bad-1", "bad-2"]
    assert error.detail.startswith("releases[1] (id bad-1): awards[0].contractPeriod.endDate:")
    assert error.detail.endswith("(and 1 more problem(s))")


def test_terms_breaking_the_register_rules_are_refused(db: sessionmaker[Session]) -> None:
    with db.begin() as session:
        manual_contract(session, notice_days=3000)
    error = refused(db, package(release(ocid="ocds-other"), release()))
    assert error.problems[0]["path"] == "releases[1].awards[0].contractPeriod.endDate"
    assert "notice period of 3000 days" in error.problems[0]["message"]


def test_unknown_currency_names_the_value_path(db: sessionmaker[Session]) -> None:
    bad = release()
    bad["awards"][0]["value"]["currency"] = "XYZ"
    error = refused(db, package(bad))
    assert error.problems[0]["path"] == "releases[0].awards[0].value.currency"
