"""schemathesis against a real server: every check, every phase, fixed seed, bounded budget.

Every built-in check is on (tests/schemathesis.toml); that file, not `--checks all` (which
would override it), says the few places a check is told what else counts as an answer.

`make test` runs it on SQLite and, with TEST_DATABASE_URL, on PostgreSQL; `make fuzz` runs a
longer randomised session (HANDOVER_FUZZ_EXAMPLES, HANDOVER_FUZZ_SECONDS, HANDOVER_FUZZ_SEED).
Any failure fails the test, with schemathesis's report (and its curl reproductions) shown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import MakeUser
from tests.server import serve

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = os.environ.get("HANDOVER_FUZZ_EXAMPLES", "12")
SECONDS = os.environ.get("HANDOVER_FUZZ_SECONDS", "150")
SEED = os.environ.get("HANDOVER_FUZZ_SEED", "20261203")


def _seed_data(base: str, headers: dict[str, str]) -> None:
    """A contract and a case, so operations on ids reach their logic, not only 404."""
    body = {
        "reference": "FUZZ-1",
        "title": "Hosting",
        "buyer": {"name": "Cabinet Office"},
        "start_date": "2024-01-01",
        "end_date": "2028-03-31",
        "notice_period_days": 90,
    }
    res = httpx.post(f"{base}/api/contracts", json=body, headers=headers, timeout=30)
    assert res.status_code == 201, res.text
    case = {"workflow": "contract_review", "contract_id": res.json()["id"]}
    res = httpx.post(f"{base}/api/cases", json=case, headers=headers, timeout=30)
    assert res.status_code == 201, res.text


@pytest.mark.slow
def test_schemathesis_finds_nothing(db_url: str, make_user: MakeUser, tmp_path: Path) -> None:
    headers = make_user("fuzzer", "admin")
    env = {
        "HANDOVER_DATABASE_URL": db_url,
        "HANDOVER_ENVIRONMENT": "test",
        # One client at one address sends bad tokens on purpose: no brake for this run.
        "HANDOVER_AUTH_FAILURES_PER_ADDRESS": "1000000",
        "HANDOVER_AUTH_FAILURES_PER_TOKEN": "1000000",
    }
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency: make .venv/.installed-stamp"
    with serve(env) as base:
        _seed_data(base, headers)
        argv = [
            st,
            "--config-file",
            str(CONFIG),
            "run",
            f"{base}/openapi.json",
            "--wait-for-schema",
            "60",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            EXAMPLES,
            "--max-time",
            SECONDS,
            "--seed",
            SEED,
            # One worker: on CPython 3.11 two threads in ast.parse (hypothesis describing a
            # filter) race and raise "AST constructor recursion depth mismatch".
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "-H",
            f"Authorization: {headers['Authorization']}",
            "--report-dir",
            str(tmp_path),
        ]
        # In tmp_path: schemathesis keeps a crash cache in its working folder.
        run = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
