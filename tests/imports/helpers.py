"""Shared helpers for the OCDS import tests."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.contracts.models import Contract
from app.imports import service
from app.imports.models import ContractOcdsRelease
from app.imports.samples import ocds_samples

DATA = ocds_samples() or Path("(no OCDS samples: set HANDOVER_OCDS_SAMPLES)")
CF = DATA / "contracts-finder"
EXAMPLES = DATA / "examples"
CF_FILES = sorted(CF.glob("*.json"))
STAGES = ["planning", "tender", "tenderAmendment", "award", "contract", "implementation"]
STAGE_FILES = [EXAMPLES / f"ocds-213czf-000-00001-0{i + 1}-{s}.json" for i, s in enumerate(STAGES)]
PACKAGE = EXAMPLES / "ocds-213czf-000-00001.json"
RECORD = EXAMPLES / "record-ocds-213czf-000-00001.json"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def import_path(session: Session, path: Path) -> service.ImportReport:
    """Import one file through the service, as the CLI does."""
    with path.open("rb") as fh:
        return service.import_ocds(
            session=session, stream=fh, source_file=path.name, actor=None, now=NOW
        )


def import_doc(session: Session, doc: Any, name: str = "doc.json") -> service.ImportReport:
    """Import a document given as Python data (or raw bytes)."""
    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return service.import_ocds(
        session=session, stream=io.BytesIO(raw), source_file=name, actor=None, now=NOW
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
