"""Shared helpers for the OCDS import tests."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.chain import jsonable
from app.audit.models import AuditEvent
from app.config import get_settings
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.imports import service
from app.imports.models import ContractOcdsRelease
from app.imports.ocds_read import ContractData, iter_releases, map_release

# Handover's own OCDS files (fictional data written for these tests): every shape the
# importer handles. The published samples are in tests/imports/test_samples_*.py.
FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
STAGES = ["tender", "tenderAmendment", "award", "contract", "implementation"]
STAGE_FILES = [FIXTURES / f"lifecycle-0{i + 1}-{s}.json" for i, s in enumerate(STAGES)]
PACKAGE = FIXTURES / "lifecycle-package.json"
RECORD = FIXTURES / "lifecycle-record.json"
CF_STYLE = FIXTURES / "contracts-finder-style.json"
GOOD_FILES = sorted(FIXTURES.glob("*.json"))
BAD_FILES = sorted(BAD.glob("*.json"))
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def read_file(path: Path) -> list[tuple[str, ContractData]]:
    """Read and map every release of a file, with its JSON path."""
    with path.open("rb") as fh:
        return [(where, map_release(rel, where)) for where, rel in iter_releases(fh)]


def import_path(session: Session, path: Path) -> service.ImportReport:
    """Import one file through the service, as the CLI does."""
    with path.open("rb") as fh:
        return service.import_ocds(
            session=session,
            stream=fh,
            source_file=path.name,
            actor=None,
            now=NOW,
            settings=get_settings(),
        )


def import_doc(session: Session, doc: Any, name: str = "doc.json") -> service.ImportReport:
    """Import a document given as Python data (or raw bytes)."""
    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return service.import_ocds(
        session=session,
        stream=io.BytesIO(raw),
        source_file=name,
        actor=None,
        now=NOW,
        settings=get_settings(),
    )


def counts(db: sessionmaker[Session]) -> tuple[int, int, int]:
    """(contracts, audit events, raw releases): what a refused file must leave alone."""
    with db() as session:
        return (
            session.scalar(select(func.count()).select_from(Contract)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            session.scalar(select(func.count()).select_from(ContractOcdsRelease)) or 0,
        )


def release(**overrides: Any) -> dict[str, Any]:
    """A small valid release with a buyer, a supplier, a value and award dates."""
    base: dict[str, Any] = {
        "ocid": "ocds-test-1",
        "id": "ocds-test-1-award",
        "date": "2020-03-01T00:00:00Z",
        "tag": ["award"],
        "buyer": {"id": "b", "name": "Borsetshire Council"},
        "parties": [
            {"id": "b", "name": "Borsetshire Council", "roles": ["buyer"]},
            {
                "id": "s",
                "name": "Acme IT Ltd",
                "roles": ["supplier"],
                "identifier": {"scheme": "GB-COH", "id": "1234567"},
            },
        ],
        "tender": {"title": "Managed IT service"},
        "awards": [
            {
                "id": "a1",
                "value": {"amount": 100.5, "currency": "GBP"},
                "suppliers": [{"id": "s", "name": "Acme IT Ltd"}],
                "contractPeriod": {
                    "startDate": "2020-04-01T00:00:00Z",
                    "endDate": "2023-03-31T00:00:00Z",
                },
            }
        ],
    }
    base.update(overrides)
    return base


def package(*releases: dict[str, Any]) -> dict[str, Any]:
    """A release package around the releases."""
    return {"uri": "https://example.org/p.json", "version": "1.1", "releases": list(releases)}


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


def converge(db: sessionmaker[Session], files: list[Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    """Import the files in order (each its own transaction), then undo; returns the end state."""
    reports = []
    with db() as session:
        for path in files:
            with session.begin_nested():
                reports.append(import_path(session, path).as_dict())
        state = snapshot(session)
        session.rollback()
    return state, reports


def import_hinted(
    client: TestClient,
    headers: dict[str, str],
    *,
    end: str = "2030-03-31",
    date: str = "2026-01-01T00:00:00Z",
) -> dict[str, Any]:
    """Import, over the API, one release whose text hints at extensions; its contract."""
    doc = release(date=date)
    doc["awards"][0]["contractPeriod"] = {
        "startDate": "2025-04-01T00:00:00Z",
        "endDate": f"{end}T00:00:00Z",
    }
    doc["tender"]["description"] = "Hosting, 3 years + 1 + 1, maximum 5"
    res = client.post(
        "/api/imports/ocds",
        headers=headers,
        files={"file": ("p.json", json.dumps(package(doc)).encode(), "application/json")},
    )
    assert res.status_code == 200, res.text
    listed = client.get("/api/contracts", headers=headers, params={"q": "ocds-test-1"}).json()
    shown: dict[str, Any] = client.get(
        f"/api/contracts/{listed['items'][0]['id']}", headers=headers
    ).json()
    return shown
