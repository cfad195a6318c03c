"""The bench harness, run for about 2 s a path so it cannot rot; it asserts no speed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.fixture import Fixture, prepare
from bench.pg import scratch_database
from bench.procs import Server
from bench.server import Config, Row, measure_with, servers, summarise_profile
from tests.conftest import PG_URL

pytestmark = pytest.mark.bench_smoke
QUICK = Config(seconds=1, rounds=1, connections=(16,), warmup=0)
Running = tuple[str, Fixture, Server, Server]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """Both apps on the bench's data: SQLite, or a scratch PostgreSQL database in the PG run."""
    if PG_URL:
        with scratch_database("smoke") as url:
            assert url is not None, "TEST_DATABASE_URL is set but its server does not answer"
            yield from _serve("postgresql", url)
    else:
        yield from _serve("sqlite", f"sqlite:///{tmp_path_factory.mktemp('bench')}/bench.db")


def _serve(db: str, url: str) -> Iterator[Running]:
    fx = prepare(url)
    try:
        with servers(fx) as (handover, lean):
            yield db, fx, handover, lean
    finally:
        fx.engine.dispose()


def _check(rows: list[Row], names: set[str]) -> None:
    assert {r.path for r in rows} == names
    for row in rows:
        assert row.errors() == 0, row
        for load in row.handover + row.lean:
            assert load.requests > 0
            assert load.p50_ms > 0
            assert load.p99_ms >= load.p50_ms
            assert load.server_cpu_ms > 0


def test_every_path_runs_against_both_apps_without_errors(running: Running) -> None:
    rows = measure_with(*running[:2], QUICK, *running[2:])
    _check(rows, {"transition", "case", "contracts", "healthz"})


def test_the_fallback_load_generator_drives_both_apps(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_LOADGEN", "python")
    rows = measure_with(*running[:2], QUICK, *running[2:], only={"transition", "healthz"})
    _check(rows, {"transition", "healthz"})


def test_a_profile_summary_gives_layer_shares_and_app_frames() -> None:
    folded = (
        "main (x.py:1);run_forever (asyncio/base_events.py:607);call (app/middleware.py:44) 3\n"
        "main (x.py:1);WorkerThread.run (anyio/_backends/_asyncio.py:9);"
        "authenticate (app/auth/service.py:98);execute (sqlalchemy/engine/base.py:5) 1\n"
    )
    lines = summarise_profile(folded).splitlines()
    assert lines[0].split() == ["75.0%", "event", "loop", "thread"]
    assert any(ln.split()[0] == "25.0%" and "sqlalchemy" in ln for ln in lines)
    assert any("75.0%" in ln and "call (app/middleware.py)" in ln for ln in lines)
