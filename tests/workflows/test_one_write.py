"""One write of the case row per transition: version +1, and the audit event says so.

Every transition of the shipped workflows, from each of its sources, is carried out through
the case service's write path (guards are the engine's business and are tested elsewhere),
counting the UPDATE statements that reach the case table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from app.cases.ctx import SYSTEM, Ctx
from app.cases.models import Case
from app.cases.service import apply_verdict, open_case, write_state
from app.clock import FrozenClock
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.schemas import ContractCreate
from app.engine import granted, load_directory
from app.workflows.registry import WorkflowRegistry

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
DEFINITIONS = load_directory(WORKFLOWS)
CASES = [
    (name, t.trigger, i, source)
    for name, defn in sorted(DEFINITIONS.items())
    for i, t in enumerate(defn.transitions)
    for source in t.sources
]
UPDATE_CASE = re.compile(r'^\s*UPDATE\s+"?case"?\s', re.IGNORECASE)
CONTRACT: dict[str, Any] = {
    "reference": "DWP-IT-0042",
    "title": "End-user computing and hosting",
    "buyer": {"name": "Department for Work and Pensions"},
    "tier": 2,
    "start_date": "2021-04-01",
    "end_date": "2027-09-30",
    "max_end_date": "2028-09-30",
    "notice_period_days": 180,
    "extension_options": [{"months": 12, "notice_days": 90}],
}


@pytest.fixture
def updates(db: sessionmaker[Session]) -> Iterator[list[str]]:
    """The UPDATE statements on the case table, as they are sent."""
    seen: list[str] = []
    engine = db.kw["bind"]

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if UPDATE_CASE.match(statement):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_every_transition_writes_the_case_once(
    db: sessionmaker[Session], settings: Settings, clock: FrozenClock, updates: list[str]
) -> None:
    registry = WorkflowRegistry(DEFINITIONS)
    checked = 0
    for n, (name, _trigger, index, source) in enumerate(CASES):
        defn = DEFINITIONS[name]
        t = defn.transitions[index]
        with db.begin() as session:
            ctx = Ctx(session, registry, clock, SYSTEM, settings)
            body = {**CONTRACT, "reference": f"DWP-IT-{n:04d}"}
            contract = contracts.create(
                session=session,
                data=ContractCreate.model_validate(body),
                actor=None,
                now=clock.now(),
                settings=settings,
            )
            review = open_case(ctx, workflow="contract_review", contract_id=contract.id)
            case = (
                review
                if name == "contract_review"
                else open_case(ctx, workflow=name, contract_id=contract.id, parent=review)
            )
            write_state(session, case, {"state": source, "final": False})
            before = case.version
            updates.clear()
            got = apply_verdict(
                ctx, case, defn, granted(defn, t), reason="board minutes", data={}, evidence=()
            )
            where = f"{name}.{t.trigger} from {source}"
            assert len(updates) == 1, (where, updates)
            stored = session.scalar(select(Case.version).where(Case.id == case.id))
            assert stored == case.version == before + 1, where
            assert got.details["case_version"] == stored, where
            checked += 1
    assert checked == len(CASES) > 50


@pytest.fixture
def shipped(client: TestClient) -> TestClient:
    """The app over HTTP, on the shipped workflows (the default settings)."""
    return client


def test_triage_takes_version_one_to_two(shipped: TestClient, pm: dict[str, str]) -> None:
    """The reported case: set_case_field on entry used to write the row a second time."""
    res = shipped.post("/api/contracts", json=CONTRACT, headers=pm)
    assert res.status_code == 201, res.text
    res = shipped.post(
        "/api/cases",
        json={"workflow": "contract_review", "contract_id": res.json()["id"]},
        headers=pm,
    )
    assert res.status_code == 201, res.text
    case = res.json()
    assert case["version"] == 1
    res = shipped.post(
        f"/api/cases/{case['id']}/transitions",
        json={"trigger": "triage", "expected_version": 1},
        headers=pm,
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["case"]["version"] == 2
    assert body["case"]["data"]["stage"] == "triaged"
    assert body["event"]["details"]["case_version"] == 2
    # A client that trusts the version it was given is not refused.
    res = shipped.post(
        f"/api/cases/{case['id']}/transitions",
        json={"trigger": "start_review", "expected_version": 2},
        headers=pm,
    )
    assert res.status_code == 200, res.text
    assert res.json()["case"]["version"] == 3
