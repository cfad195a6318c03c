"""The held-load bench for about 3 s a run, so it cannot rot; it asserts no speed.

On PostgreSQL (TEST_DATABASE_URL) as `make bench` runs it, with 2 workers; otherwise on SQLite
with one worker, where the harness (mixed load, reminder pass, memory, verify) is the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.held import Held, HeldConfig, measure
from bench.pg import scratch_database
from tests.conftest import PG_URL

pytestmark = pytest.mark.bench_smoke


def _held(tmp_path: Path) -> tuple[list[Held], str, bool]:
    if PG_URL:
        with scratch_database("held_smoke") as url:
            assert url is not None, "TEST_DATABASE_URL is set but its server does not answer"
            return measure(url, HeldConfig(seconds=3, connections=(16,), workers=2))
    url = f"sqlite:///{tmp_path}/held.db"
    return measure(url, HeldConfig(seconds=3, connections=(8,), workers=1))


def test_the_held_load_mixes_reads_transitions_and_a_reminder_pass(tmp_path: Path) -> None:
    runs, words, verified = _held(tmp_path)
    assert verified, words
    assert "chain intact" in words
    (run,) = runs
    assert run.errors() == 0, run.line()
    assert run.requests > run.transitions > 0
    assert run.p99_ms >= run.p50_ms > 0
    assert run.rss_before > 0 and run.rss_after > 0
    assert run.flat(), run.line()
    assert run.reminders.startswith("ok"), run.reminders
    assert " sent=200 " in run.reminders, run.reminders
