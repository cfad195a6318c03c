"""The chunked import writes exactly the rows that importing each release on its own writes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, event, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.auth import service as auth
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.models import Contract, ContractSupplier
from app.contracts.schemas import ContractCreate
from app.db.session import make_engine, make_sessionmaker
from app.deadlines.models import Deadline, Reminder
from app.imports import service
from app.imports.models import ContractOcdsRelease
from app.imports.service import OcdsImportError
from tests.conftest import cloned_database
from tests.imports.helpers import NOW, package, release

TABLES = [Contract, ContractSupplier, ContractOcdsRelease, Deadline, Reminder, AuditEvent]


def _release(i: int) -> dict[str, Any]:
    """A varied release: dates that have passed or not, a notice period, a framework."""
    start = 2018 + i % 9
    doc = release(
        ocid=f"ocds-bulk-{i:05d}",
        id=f"ocds-bulk-{i:05d}-award",
        date=f"{start - 1}-06-01T00:00:00Z",
    )
    award = doc["awards"][0]
    award["value"] = {"amount": 1000 + i * 17.25, "currency": "GBP"}
    award["contractPeriod"] = {
        "startDate": f"{start}-04-01T00:00:00Z",
        "endDate": f"{start + 3}-03-31T00:00:00Z",
        **({"maxExtentDate": f"{start + 5}-03-31T00:00:00Z"} if i % 3 == 0 else {}),
    }
    if i % 7 == 0:
        doc["tender"]["description"] = "Hosting, 3 years + 1 + 1, maximum 5"
    if i % 11 == 0:
        doc["tag"] = ["tender"]
        doc["awards"] = []  # a pipeline entry: skipped as tender only
    if i % 13 == 0:
        doc["tender"]["title"] = "Framework agreement for IT services"  # no deadlines
    return doc


def _documents(count: int) -> bytes:
    releases = [_release(i) for i in range(count)]
    # Later releases of ocids already seen, in the same chunk and in a later one: updates.
    for i in (3, 4, 600):
        later = _release(i)
        later["id"] += "-contract"
        later["date"] = "2026-09-01T00:00:00Z"
        later["awards"][0]["value"]["amount"] = 999_999
        releases.insert(i + 5, later)
    older = _release(5)
    older["date"] = "2000-01-01T00:00:00Z"  # older than the one imported: skipped
    releases.insert(40, older)
    return json.dumps(package(*releases)).encode()


@pytest.fixture
def two_databases(
    template_url: str, tmp_path: Path, settings: Settings
) -> Iterator[tuple[sessionmaker[Session], sessionmaker[Session]]]:
    """Two copies of the migrated template, set up alike: users to remind, a contract."""
    made = []
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    with (
        cloned_database(template_url, tmp_path / "a") as one,
        cloned_database(template_url, tmp_path / "b") as two,
    ):
        for url in (one, two):
            engine = make_engine(settings.model_copy(update={"database_url": url}))
            factory = make_sessionmaker(engine)
            with factory.begin() as session:
                _seed(session, settings)
            made.append((engine, factory))
        yield made[0][1], made[1][1]
        for engine, _ in made:
            engine.dispose()


def _seed(session: Session, settings: Settings) -> None:
    auth.create_user(
        session=session, name="priya", roles=["programme_manager"], now=NOW, email="p@x.gov.uk"
    )
    auth.create_user(
        session=session, name="sam", roles=["senior_responsible_owner"], now=NOW, email="s@x.uk"
    )
    body = ContractCreate(
        reference="BC-1",
        title="Ours",
        buyer={"name": "Borsetshire Council"},
        ocid="ocds-bulk-00008",
        notice_period_days=90,
    )
    contracts.create(session=session, data=body, actor=None, now=NOW, settings=settings)


def _import(db: sessionmaker[Session], doc: bytes, settings: Settings, *, bulk: bool) -> Any:
    with db.begin() as session:
        return service.import_ocds(
            session=session,
            stream=io.BytesIO(doc),
            source_file="bulk.json",
            actor=None,
            now=NOW,
            settings=settings,
            bulk=bulk,
        ).as_dict()


def _rows(db: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with db() as session:
        for model in TABLES:
            table = model.__table__
            assert isinstance(table, Table)
            out[table.name] = [tuple(r) for r in session.execute(select(table).order_by("id"))]
    return out


@pytest.mark.parametrize("count", [1, 1200])
def test_chunked_import_writes_what_one_by_one_writes(
    two_databases: tuple[sessionmaker[Session], sessionmaker[Session]],
    settings: Settings,
    count: int,
) -> None:
    bulk, single = two_databases
    doc = _documents(count) if count > 1 else json.dumps(package(_release(1))).encode()
    assert _import(bulk, doc, settings, bulk=True) == _import(single, doc, settings, bulk=False)
    got, want = _rows(bulk), _rows(single)
    assert {k: len(v) for k, v in got.items()} == {k: len(v) for k, v in want.items()}
    for name in want:
        assert got[name] == want[name], name
    if count > 1:
        # The users are reminded and frameworks have no deadlines: the comparison bites.
        assert len(want["reminder"]) > 100
        kinds = [row[3] for row in want["deadline"]]
        assert 0 < kinds.count("hard_stop") < len(want["contract"]) - 1
    # Re-importing the same file changes nothing, either way.
    assert _import(bulk, doc, settings, bulk=True) == _import(single, doc, settings, bulk=False)
    assert _rows(bulk) == got


def test_chunked_import_refuses_what_one_by_one_refuses(
    two_databases: tuple[sessionmaker[Session], sessionmaker[Session]],
    settings: Settings,
) -> None:
    releases = [_release(i) for i in range(30)]
    clash = _release(31)
    clash["ocid"] = "BC-1"  # the reference of the manual contract: a duplicate, refused
    releases.insert(10, clash)
    broken = _release(32)
    broken["awards"][0]["value"] = {"amount": 5}  # no currency
    releases.insert(20, broken)
    doc = json.dumps(package(*releases)).encode()
    refusals = []
    for db, bulk in zip(two_databases, (True, False), strict=True):
        before = _rows(db)
        with pytest.raises(OcdsImportError) as err:
            _import(db, doc, settings, bulk=bulk)
        assert _rows(db) == before
        refusals.append((err.value.detail, err.value.problems))
    assert refusals[0] == refusals[1]
    assert "already has reference" in str(refusals[0][0])


def test_who_to_remind_is_read_once_per_import(
    two_databases: tuple[sessionmaker[Session], sessionmaker[Session]],
    settings: Settings,
) -> None:
    bulk, _ = two_databases
    engine = bulk.kw["bind"]
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        _import(bulk, _documents(1200), settings, bulk=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    users = [s for s in seen if 'FROM "user"' in s or "FROM user " in s]
    assert len(users) == 1, users
    # Two statements a release are the audit chain's inserts; everything else is per chunk.
    assert len(seen) < 2.2 * 1200, len(seen)
