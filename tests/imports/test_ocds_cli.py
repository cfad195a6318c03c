"""`handover import ocds PATH…` in a subprocess: a transaction per file, non-zero on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.deadlines.models import Deadline
from tests.imports.helpers import CF_STYLE, FIXTURES, PACKAGE, STAGE_FILES, counts, package, release

THREE = [CF_STYLE, FIXTURES / "multi-award.json", STAGE_FILES[0]]

ROOT = Path(__file__).parents[2]


def run(db_url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url, "HANDOVER_SCHEDULER_ENABLED": "false"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "import", "ocds", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_each_file_is_its_own_transaction(
    db_url: str, db: sessionmaker[Session], tmp_path: Path
) -> None:
    bad = release(ocid="ocds-bad", id="bad-1")
    bad["awards"][0]["contractPeriod"]["endDate"] = "2019-01-01T00:00:00Z"
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(package(release(ocid="ocds-good-in-bad"), bad)))
    result = run(db_url, CF_STYLE, bad_file, PACKAGE, tmp_path / "missing.json")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{CF_STYLE}: 1 release(s): created 1, updated 0")
    assert lines[1].startswith(f"{PACKAGE}: 5 release(s): created 1, updated 4, unchanged 0")
    assert (
        f"error: {bad_file}: releases[1] (id bad-1): awards[0].contractPeriod.endDate: end date"
        in result.stderr
    )
    assert "missing.json" in result.stderr
    assert counts(db)[0] == 2


def test_reimport_is_unchanged_and_json_output(db_url: str) -> None:
    assert run(db_url, *THREE).returncode == 0
    result = run(db_url, "--json", *THREE)
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["created"], r["unchanged"]) for r in reports] == [(0, 1)] * 3


def test_an_imported_contract_gets_its_deadlines(
    db_url: str, db: sessionmaker[Session], tmp_path: Path
) -> None:
    # The command runs without the app: it must still recompute deadlines like the API does.
    doc = package(release(ocid="ocds-deadlines"))
    doc["releases"][0]["awards"][0]["contractPeriod"]["endDate"] = "2031-03-31T00:00:00Z"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(doc))
    assert run(db_url, path).returncode == 0
    with db() as session:
        kinds = set(session.scalars(select(Deadline.kind)))
    assert kinds == {"exit_plan_review", "hard_stop", "route_decision"}
