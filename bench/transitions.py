"""Transitions per second through the full REST path, against a same-process SQL baseline."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import text

from app.auth import service as auth
from app.cases.service import Ctx, open_case
from app.clock import SystemClock
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.schemas import ContractCreate
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.workflows.registry import WorkflowRegistry
from bench.pg import scratch_database

HERE = Path(__file__).parent
PORT = 8765
REQUESTS_1 = 400  # one client
REQUESTS_16 = 100  # per client, sixteen clients


def _prepare(url: str) -> tuple[str, list[int]]:
    """Migrate, create a user, a contract and 16 cases; return the token and case ids."""
    upgrade(url)
    settings = Settings(database_url=url, workflows_dir=str(HERE / "workflows"))
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_event (case_id INTEGER, version INTEGER)"))
    clock = SystemClock()
    registry = WorkflowRegistry.from_directory(settings.workflows_dir)
    with make_sessionmaker(engine).begin() as session:
        user = auth.create_user(
            session=session, name="bench", roles=["programme_manager"], now=clock.now()
        )
        token = auth.issue_token(session=session, user=user, now=clock.now())
        actor = auth.Actor(id=user.id, name="bench", roles=frozenset(user.roles))
        contract = contracts.create(
            session=session,
            data=ContractCreate(
                reference="BENCH",
                title="Bench",
                buyer={"name": "Bench"},
                end_date="2030-01-01",
            ),
            actor=actor,
            now=clock.now(),
        )
        ctx = Ctx(session=session, registry=registry, clock=clock, actor=actor)
        ids = [open_case(ctx, workflow="pingpong", contract_id=contract.id).id for _ in range(16)]
    engine.dispose()
    return token, ids


def _serve(url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HANDOVER_DATABASE_URL": url,
        "HANDOVER_LOG_LEVEL": "WARNING",
        "HANDOVER_SCHEDULER_ENABLED": "false",
        "HANDOVER_WORKFLOWS_DIR": str(HERE / "workflows"),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.app:app",
            "--port",
            str(PORT),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=HERE.parent,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/healthz").status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)  # waiting for a server to start, not timing anything
    proc.kill()
    raise RuntimeError("bench server did not start")


Call = Callable[[httpx.Client, int, int], int]


def _full(client: httpx.Client, case_id: int, version: int) -> int:
    trigger = "check" if version % 2 == 1 else "reset"
    res = client.post(
        f"/api/cases/{case_id}/transitions",
        json={"trigger": trigger, "reason": "bench", "expected_version": version},
    )
    res.raise_for_status()
    return int(res.json()["case"]["version"])


def _baseline(client: httpx.Client, case_id: int, version: int) -> int:
    res = client.post(f"/bench/baseline/{case_id}", params={"expected_version": version})
    res.raise_for_status()
    return int(res.json()["version"])


def _load(token: str, cases: list[int], clients: int, each: int, call: Call) -> tuple[float, float]:
    """Run `clients` threads of `each` calls; return (requests per second, p99 ms)."""
    latencies: list[float] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}"}

    def worker(case_id: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", headers=headers) as client:
            version = client.get(f"/api/cases/{case_id}").json()["version"]
            mine = []
            for _ in range(each):
                t0 = time.perf_counter()
                version = call(client, case_id, version)
                mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(cases[i],)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    return len(latencies) / elapsed, p99


def _measure(label: str, url: str) -> None:
    token, cases = _prepare(url)
    server = _serve(url)
    try:
        for clients, each in ((1, REQUESTS_1), (16, REQUESTS_16)):
            _load(token, cases, clients, 20, _full)  # warm-up: machine cache, connections
            base, base_p99 = _load(token, cases, clients, each, _baseline)
            full, full_p99 = _load(token, cases, clients, each, _full)
            print(
                f"transitions  {label:<10} clients={clients:<2}  full REST path {full:7.0f}/s "
                f"(p99 {full_p99:5.1f} ms)  baseline {base:7.0f}/s (p99 {base_p99:5.1f} ms)"
                f"  ratio {full / base:.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def run() -> None:
    """Print transitions per second for SQLite and PostgreSQL at 1 and 16 clients."""
    with tempfile.TemporaryDirectory() as tmp:
        _measure("sqlite", f"sqlite:///{tmp}/bench.db")
    with scratch_database("transitions") as pg:
        if pg is not None:
            _measure("postgresql", pg)


if __name__ == "__main__":
    run()
