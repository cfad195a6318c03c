"""`handover demo` loads a living portfolio: real and hand-made contracts, cases across states,
dated from the clock so its stories read the same on any day."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.audit.service import verify
from app.auth.service import authenticate
from app.clock import FrozenClock
from app.config import ROOT, get_settings
from app.contracts.models import Contract
from app.deadlines.models import Deadline
from app.demo import DemoLoad, load_demo
from app.workflows.registry import WorkflowRegistry
from tests.conftest import START

REGISTRY = WorkflowRegistry.from_directory("workflows")


def load(db: sessionmaker[Session], clock: FrozenClock, real_data: Path | None) -> DemoLoad:
    with db.begin() as session:
        loaded = load_demo(
            session=session,
            clock=clock,
            registry=REGISTRY,
            settings=get_settings(),
            real_data=real_data,
        )
    assert loaded is not None
    return loaded


@pytest.fixture(params=["own", "published"])
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Path | None:
    """Where the imported stories come from: the demo's own OCDS files, or the samples."""
    if request.param == "own":
        return tmp_path  # a folder without the published files: the demo uses its own
    request.getfixturevalue("ocds_samples")
    return None


def test_demo_portfolio(
    db: sessionmaker[Session], clock: FrozenClock, client: TestClient, source: Path | None
) -> None:
    loaded = load(db, clock, source)
    assert (len(loaded.users), loaded.contracts, loaded.imported) == (8, 13, 5)
    assert (loaded.samples is None) == (source is not None)
    assert loaded.summary().startswith(f"demo: 13 contracts and {loaded.cases} cases; 5 of")
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"always holds 13 contracts and {loaded.cases} cases" in readme
    headers = {"Authorization": f"Bearer {loaded.users[0].split()[-1]}"}
    contracts = client.get("/api/contracts", params={"limit": 100}, headers=headers).json()
    assert len(contracts["items"]) == 13
    assert Counter(c["source"] for c in contracts["items"]) == {"manual": 8, "ocds": 5}
    cases = client.get("/api/cases", params={"limit": 100}, headers=headers).json()["items"]
    assert len(cases) == loaded.cases
    states = {(c["workflow"], c["state"]) for c in cases}
    assert len(states) >= 20
    reviews = {state for workflow, state in states if workflow == "contract_review"}
    assert reviews >= {"intake", "under_review", "decomposed", "awaiting_approval", "approved"}
    assert reviews >= {"in_transition", "on_hold", "closed", "withdrawn"}
    assert {("contract_exit", s) for s in ("exit_planning", "exit_period", "closed")} <= states
    routes = {(c["route"], c["state"]) for c in cases if c["workflow"] == "service_component"}
    assert {("build_in_house", "private_beta"), ("reprocure", "tendering")} <= routes
    assert {("decommission", "users_migrated"), ("decommission", "decommissioned")} <= routes
    assert ("buy_commodity", "commodity_live") in routes
    # An operation insourced, its staff transfer under TUPE planned (TUPE 2006 reg. 11).
    assert ("insource_operation", "staff_transfer_planned") in routes
    deadlines = client.get("/api/deadlines", params={"limit": 500}, headers=headers).json()
    kinds = {d["kind"]: d["status"] for d in deadlines["items"]}
    assert set(kinds) >= {"notice", "hard_stop", "amber_actions", "employee_liability_information"}
    assert kinds["termination_assistance_notice"] == "met"
    _exit_in_its_exit_period_served_notice(client, headers, cases)
    _partial_termination(client, headers, cases)
    _imported_terms_confirmed_by_a_person(client, headers, contracts["items"])
    with db() as session:
        assert verify(session=session).ok
    with db.begin() as session:
        assert (
            load_demo(session=session, clock=clock, registry=REGISTRY, settings=get_settings())
            is None
        )


def story(
    db: sessionmaker[Session], today: date
) -> tuple[Counter[tuple[str, str, str]], dict[str, int]]:
    """What the demo's deadlines say on a day: (contract, kind, status) counts, and each
    notice deadline in days from today."""
    with db() as session:
        rows = session.execute(
            select(Contract.reference, Deadline.kind, Deadline.status, Deadline.date).join(
                Contract, Contract.id == Deadline.contract_id
            )
        ).all()
    statuses = Counter((ref, kind, status) for ref, kind, status, _ in rows)
    notices = {ref: (day - today).days for ref, kind, _, day in rows if kind == "notice"}
    return statuses, notices


@pytest.mark.parametrize("years_later", [0, 3])
def test_the_demo_reads_the_same_on_any_day(
    db: sessionmaker[Session], tmp_path: Path, years_later: int
) -> None:
    # The demo once had fixed dates: as the calendar moved its notices passed one by one.
    today = START.date() + timedelta(days=round(365.25 * years_later) + 17)
    clock = FrozenClock(START + (today - START.date()))
    load(db, clock, tmp_path)
    statuses, notices = story(db, today)
    missed = sorted(key for key, count in statuses.items() if key[2] == "missed")
    # Only the network contract, still at intake, has let its notice and route choice pass.
    assert missed == [
        ("MOJ-NET-07", "notice", "missed"),
        ("MOJ-NET-07", "route_decision", "missed"),
    ]
    assert {ref: days for ref, days in notices.items() if ref != "HO-HOST-11"} == {
        "DWP-EUC-04": 520,
        "DFE-APPS-02": 470,
        "MOJ-NET-07": -18,
        "HMRC-CC-03": 550,
        "DVLA-MF-09": 520,
        # Extended to its latest end (366 days on) for the payroll line it keeps.
        "CO-HRP-01": 1086,
        "DESNZ-PPS-10": -165,
    }
    assert 600 < notices["HO-HOST-11"] < 640  # 90 working days before its end
    # A PCR 2015 contract (let in 2019) owes no UK11 (Procurement Act 2023 s.80).
    assert not any(
        ref == "DESNZ-PPS-10" and kind == "termination_notice" for ref, kind, _ in statuses
    )


def test_the_demo_command_keeps_each_databases_tokens(tmp_path: Path) -> None:
    # Two demos in two databases, started from one folder: the first one's tokens used to be
    # overwritten by the second's, so the next `make run` printed tokens that got 401.
    first, second = tmp_path / "one.db", tmp_path / "two.db"
    for path in (first, second):
        result = cli(tmp_path, path, "db", "upgrade")
        assert result.returncode == 0, result.stderr
        loaded = cli(tmp_path, path, "demo", "--if-empty")
        assert loaded.returncode == 0, loaded.stderr
        assert loaded.stdout.splitlines()[0].startswith("demo: 13 contracts")
        assert loaded.stdout.count("hov_") == 8
    again = cli(tmp_path, first, "demo", "--if-empty")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == f"demo data already loaded in sqlite:///{first}"
    tokens = [line.split()[-1] for line in again.stdout.splitlines() if "hov_" in line]
    assert len(tokens) == 8
    engine = create_engine(f"sqlite:///{first}")
    with Session(engine) as session:
        names = {authenticate(session=session, token=t, now=START).name for t in tokens}
    engine.dispose()
    assert "priya" in names and len(names) == 8
    kept = Path(f"{first}.demo-tokens")
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert not (tmp_path / ".handover-demo-tokens").exists()


def test_the_demo_refuses_a_database_with_data_in_one_line(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url}
    cmd = [sys.executable, "-m", "app.cli", "users", "create", "alex", "--role", "admin"]
    assert subprocess.run(cmd, env=env, capture_output=True, check=False).returncode == 0
    tokens = tmp_path / "tokens"
    demo = [sys.executable, "-m", "app.cli", "demo", "--tokens-file", str(tokens)]
    refused = subprocess.run(demo, env=env, capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert refused.stderr.startswith("error: database ") and "already has users" in refused.stderr
    accepted = subprocess.run([*demo, "--if-empty"], env=env, capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stderr
    assert "demo data already loaded" in accepted.stdout
    assert "no demo tokens of it on file" in accepted.stdout


def test_demo_command_loads_deadlines_and_writes_the_tokens_file(
    db_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url}
    tokens = tmp_path / "tokens"
    cmd = [sys.executable, "-m", "app.cli", "demo", "--if-empty", "--tokens-file", str(tokens)]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert tokens.read_text().count("hov_") == 8
    assert oct(tokens.stat().st_mode & 0o777) == "0o600"
    engine = create_engine(db_url)
    with engine.connect() as conn:
        kinds = set(conn.scalars(text("SELECT DISTINCT kind FROM deadline")))
    engine.dispose()
    # The command has no app to install the deadline hooks: the demo must do it itself.
    assert kinds >= {"notice", "hard_stop", "route_decision", "amber_actions"}


def cli(cwd: Path, database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`handover ARGS` on a SQLite file, started from `cwd`."""
    env = {**os.environ, "HANDOVER_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )


def _exit_in_its_exit_period_served_notice(
    client: TestClient, headers: dict[str, str], cases: list[dict[str, Any]]
) -> None:
    (exiting,) = [
        c for c in cases if (c["workflow"], c["state"]) == ("contract_exit", "exit_period")
    ]
    url = f"/api/cases/{exiting['id']}/events"
    events = client.get(url, params={"limit": 100}, headers=headers).json()["items"]
    fired = [e["trigger"] for e in events]
    # The exit period starts with the termination assistance notice (MSC Schedule 8.5).
    assert fired[-3:] == ["agree_exit_plan", "serve_notice", "call_for_exit_assistance"]
    evidence = [i for e in events for i in e["evidence"]]
    assert evidence and all(i["url"].startswith("https://") for i in evidence)


def _partial_termination(
    client: TestClient, headers: dict[str, str], cases: list[dict[str, Any]]
) -> None:
    # Issue 14: an extended line stays on the contract while the other leaves it, so the
    # exit is a de-scoping contract change (PCR 2015 reg. 72), not the end of the contract.
    (descoped,) = [c for c in cases if (c["workflow"], c["state"]) == ("contract_exit", "descoped")]
    lines = {
        (c["route"], c["state"])
        for c in cases
        if c["workflow"] == "service_component" and c["contract_id"] == descoped["contract_id"]
    }
    assert lines == {("retain_extend", "extended"), ("buy_commodity", "commodity_live")}
    url = f"/api/cases/{descoped['id']}/events"
    events = client.get(url, params={"limit": 100}, headers=headers).json()["items"]
    assert [e["trigger"] for e in events][-2:] == ["start_handover", "descope_lines"]
    assert "termination_notice" not in {
        d["kind"]
        for d in client.get(f"/api/contracts/{descoped['contract_id']}", headers=headers).json()[
            "deadlines"
        ]
    }


def _imported_terms_confirmed_by_a_person(
    client: TestClient, headers: dict[str, str], contracts: list[dict[str, Any]]
) -> None:
    # Issue 14: imported terms are unverified until a person confirms them from the contract.
    imported = [c for c in contracts if c["source"] == "ocds"]
    confirmed = [c for c in imported if c["terms_verified"]]
    assert len(confirmed) == 1 and len(imported) == 5
    assert confirmed[0]["terms_verified_by"] == "chris"
    assert all(c["terms_verified"] for c in contracts if c["source"] == "manual")
    unverified = next(c for c in imported if not c["terms_verified"])
    shown = client.get(f"/api/contracts/{unverified['id']}", headers=headers).json()
    assert shown["deadlines"] and all(
        d["unverified"] for d in shown["deadlines"] if d["case_id"] is None
    )
    events = client.get(
        "/api/audit/events", params={"actor": "chris", "limit": 500}, headers=headers
    ).json()["items"]
    assert any(
        e["action"] == "contract.terms_confirmed" and e["contract_id"] == confirmed[0]["id"]
        for e in events
    )
