"""Reads at scale (issue 12): the contracts list, a case and the deadlines list, as JSON and as
pages, with 1,000 contracts and with 100,000 contracts and 1,000,000 audit events.

Each size gets a fresh database, bulk-inserted as the portfolio bench does (two service
lines a contract, every standing and route, a hard stop each) plus a signed, anchored audit
chain of ten events a contract spread over the cases and contracts. Handover runs as a
uvicorn subprocess (one worker); one client asks one request at a time for each path, so each
time is the server's. Printed per path: p50/p99 and server CPU at each size, and the ratios
large / small, which the issue wants at most 2 (judged on CPU per request: on a shared
machine wall time also counts the wait for a core). `BENCH_SCALE_CONTRACTS` ("1000,100000") and
`BENCH_SCALE_REQUESTS` (30) change the sizes and the count. Run alone with
`python -m bench.scale`.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text, update

from app.audit import keys
from app.audit.setup import AuditSetup
from app.cases.models import Case
from app.config import Settings
from app.db.session import make_engine, make_sessionmaker
from app.workflows.registry import WorkflowRegistry, ensure_stored
from bench.audit import ANCHOR_EVERY, seed
from bench.pg import scratch_database
from bench.portfolio import prepare, signed_in, timed
from bench.procs import spawn_server, wait_ready

SIZES = [int(n) for n in os.environ.get("BENCH_SCALE_CONTRACTS", "1000,100000").split(",")]
REQUESTS = int(os.environ.get("BENCH_SCALE_REQUESTS", "30"))
EVENTS_PER_CONTRACT = 10
LIMIT = 2.0  # the bound on large / small
Timings = dict[str, tuple[list[float], float]]
"""Per path: each request's wall time (ms) and the server's CPU per request (ms)."""


def paths(case_id: int) -> dict[str, str]:
    """What is timed: each read as the API serves it and as the page shows it."""
    return {
        "GET /api/contracts?limit=50": "/api/contracts?limit=50",
        "GET /api/cases/{id}": f"/api/cases/{case_id}",
        "GET /api/deadlines?limit=50": "/api/deadlines?limit=50",
        "/contracts page": "/contracts",
        "/cases/{id} page": f"/cases/{case_id}",
        "/deadlines page": "/deadlines",
    }


def fill(url: str, contracts: int, folder: Path) -> tuple[str, AuditSetup]:
    """Contracts, lines, cases and deadlines, then the audit chain; the reader's API token."""
    token = prepare(url, contracts)
    _pin_cases(url)
    audit = AuditSetup(folder / "scale.keys", folder / "scale.anchors", ANCHOR_EVERY)
    keys.create_key_file(audit.key_file)
    engine = create_engine(url)
    with engine.connect() as conn:
        # Two line cases a contract (ids 1 to 2n): every case has events of its own.
        seed(conn, audit, contracts * EVENTS_PER_CONTRACT, 2 * contracts, contracts)
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()
    return token, audit


def _pin_cases(url: str) -> None:
    """Pin the bulk-inserted cases to the shipped service_component definition, stored, so
    a case reads as the service's own do (the portfolio bench never reads one)."""
    settings = Settings(database_url=url)
    defn = WorkflowRegistry.from_directory(settings.workflows_dir).latest("service_component")
    engine = make_engine(settings)
    with make_sessionmaker(engine).begin() as session:
        ensure_stored(session, defn, datetime.now(UTC))
        session.execute(update(Case).values(workflow_version=defn.version))
    engine.dispose()


def measure(db: str, url: str, contracts: int, requests: int = REQUESTS) -> Timings:
    """Fill a fresh database of `contracts`, start Handover and time every path (ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        token, audit = fill(url, contracts, Path(tmp))
        server = spawn_server(
            "handover",
            ["app.asgi:app"],
            {"HANDOVER_DATABASE_URL": url, "HANDOVER_SCHEDULER_ENABLED": "false"}
            | {"HANDOVER_LOG_LEVEL": "WARNING", "HANDOVER_ENVIRONMENT": "development"}
            | {"HANDOVER_AUDIT_KEY_FILE": str(audit.key_file)}
            | {"HANDOVER_AUDIT_ANCHOR_FILE": str(audit.anchor_file)},
        )
        try:
            wait_ready(server, "/healthz")
            base = f"http://127.0.0.1:{server.port}"
            browser = signed_in(base)
            out: Timings = {}
            for name, path in paths(contracts).items():
                get = _api_get(token) if path.startswith("/api/") else _page_get(browser)
                ms, cpu = timed(server, get, base + path, requests)
                out[name] = ms, cpu
                print(_line(db, name, contracts, ms, cpu), flush=True)
            return out
        finally:
            server.stop()


def _api_get(token: str) -> Callable[[str], bytes]:
    def get(url: str) -> bytes:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request) as res:
            return bytes(res.read())

    return get


def _page_get(browser: urllib.request.OpenerDirector) -> Callable[[str], bytes]:
    def get(url: str) -> bytes:
        with browser.open(url) as res:
            return bytes(res.read())

    return get


def p99(ms: list[float]) -> float:
    """The 99th percentile of a run (its largest value when the run is short)."""
    return statistics.quantiles(ms, n=100)[-1] if len(ms) >= 2 else ms[0]


def _line(db: str, name: str, contracts: int, ms: list[float], cpu: float) -> str:
    return (
        f"{db:<10} {name:<28} {contracts:>7} contracts  p50 {statistics.median(ms):7.1f} ms"
        f"  p99 {p99(ms):7.1f} ms  server cpu {cpu:6.1f} ms"
    )


def ratios(db: str, small: tuple[int, Timings], large: tuple[int, Timings]) -> list[str]:
    """Per path: the large database's p50, p99 and server CPU over the small one's; the
    bound is checked on CPU, which a shared machine's queueing for a core hardly stretches."""
    out = []
    for name, (big, big_cpu) in large[1].items():
        base, base_cpu = small[1][name]
        r50, r99 = statistics.median(big) / statistics.median(base), p99(big) / p99(base)
        # CPU is counted in clock ticks: a short run may show none at either size.
        rcpu = big_cpu / base_cpu if base_cpu else (1.0 if not big_cpu else float("inf"))
        verdict = "ok" if rcpu <= LIMIT else f"over {LIMIT:g}x"
        out.append(
            f"{db:<10} {name:<28} {large[0]:,} / {small[0]:,} contracts:"
            f" p50 x{r50:.2f}  p99 x{r99:.2f}  cpu x{rcpu:.2f}  {verdict}"
        )
    return out


def run() -> None:
    """`make bench`: every size on SQLite, then on PostgreSQL when a server answers."""
    print(f"{REQUESTS} requests a path, one at a time, after one warm-up; sizes {SIZES}")
    with tempfile.TemporaryDirectory() as tmp:
        runs = [(n, measure("sqlite", f"sqlite:///{tmp}/scale-{n}.db", n)) for n in SIZES]
    _report("sqlite", runs)
    if os.environ.get("BENCH_PG", "1") == "0":
        return
    runs = []
    for n in SIZES:
        with scratch_database(f"scale_{n}") as pg:
            if pg is None:
                return
            runs.append((n, measure("postgresql", pg, n)))
    _report("postgresql", runs)


def _report(db: str, runs: list[tuple[int, Timings]]) -> None:
    runs = sorted(runs, key=lambda r: r[0])
    for large in runs[1:]:
        print("\n".join(ratios(db, runs[0], large)), flush=True)


if __name__ == "__main__":
    run()
