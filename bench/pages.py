"""The web pages' server time (issue 10): home, contracts list and case page, against the API.

The database holds the demo (`handover demo`: users, contracts, the stories' cases) plus
BENCH_PAGES_CONTRACTS (1,000) more contracts registered through the contracts service, so
each has its computed deadlines. Handover runs as a uvicorn subprocess (one worker); one
client signed in as the demo programme manager by a session cookie asks in turn for each page
and for the JSON API's same data with her bearer token, so each time is the server's, without
queueing. Printed: p50/p95 wall time and server CPU per request, and the ratio page / API.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import urllib.request
from datetime import date, timedelta

from sqlalchemy import select

from app.auth import service as auth
from app.cases.models import Case
from app.clock import SystemClock
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.schemas import ContractCreate
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.demo import load_demo
from app.demo.data import DEMO_USERS
from app.web import signin
from app.workflows.registry import WorkflowRegistry
from bench.pg import scratch_database
from bench.portfolio import signed_in, timed
from bench.procs import spawn_server, wait_ready

EXTRA = int(os.environ.get("BENCH_PAGES_CONTRACTS", "1000"))
REQUESTS = int(os.environ.get("BENCH_PAGES_REQUESTS", "30"))
USER = "priya"  # the demo programme manager: her home page has actions, approvals, deadlines


def _extra(n: int, today: date) -> list[ContractCreate]:
    return [
        ContractCreate(
            reference=f"PAGES-{i}",
            title=f"Pages bench contract {i}",
            buyer={"name": f"Department {i % 12}"},
            suppliers=[{"name": f"Supplier {i % 40}"}],
            start_date=(today - timedelta(days=700)).isoformat(),
            end_date=(today + timedelta(days=120 + i % 1500)).isoformat(),
        )
        for i in range(n)
    ]


def prepare(url: str, extra: int = EXTRA) -> tuple[str, int]:
    """Migrate, load the demo and `extra` contracts; USER's token and the case to read."""
    upgrade(url)
    settings = Settings(database_url=url)
    engine = make_engine(settings)
    clock = SystemClock()
    registry = WorkflowRegistry.from_directory(settings.workflows_dir)
    with make_sessionmaker(engine).begin() as session:
        loaded = load_demo(session=session, clock=clock, registry=registry, settings=settings)
        assert loaded is not None, "the bench database is new, so the demo loads"
        names = [name for name, _display, _roles in DEMO_USERS]
        signin.ensure_demo_passwords(session=session, names=names, now=clock.now())
        token = next(ln.split()[-1] for ln in loaded.users if ln.split()[0] == USER)
        actor = auth.authenticate(session=session, token=token, now=clock.now())
        for data in _extra(extra, clock.today()):
            contracts.create(
                session=session, data=data, actor=actor, now=clock.now(), settings=settings
            )
        # The richest page: the demo's first review (history, components, actions).
        case = session.scalar(
            select(Case.id).where(Case.workflow == "contract_review").order_by(Case.id).limit(1)
        )
        assert case is not None, "the demo opens reviews"
    engine.dispose()
    return token, case


def _p95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else ms[0]


def _pairs(case: int) -> list[tuple[str, str, str]]:
    """(name, page, the API call that returns the same data)."""
    return [
        ("home", "/", "/api/me/work"),
        ("contracts", "/contracts", "/api/contracts?limit=25"),  # a web page holds 25
        ("case", f"/cases/{case}", f"/api/cases/{case}"),
    ]


def measure(
    db: str, url: str, extra: int = EXTRA, requests: int = REQUESTS
) -> dict[str, dict[str, list[float]]]:
    """Fill the database, start Handover, time each page and its API twin in turn (ms)."""
    token, case = prepare(url, extra)
    server = spawn_server(
        "handover",
        ["app.asgi:app"],
        {"HANDOVER_DATABASE_URL": url, "HANDOVER_SCHEDULER_ENABLED": "false"}
        | {"HANDOVER_LOG_LEVEL": "WARNING", "HANDOVER_ENVIRONMENT": "development"},
    )
    out: dict[str, dict[str, list[float]]] = {}
    try:
        wait_ready(server, "/healthz")
        base = f"http://127.0.0.1:{server.port}"
        browser = signed_in(base, USER, signin.DEMO_PASSWORD)
        bearer = {"Authorization": f"Bearer {token}"}

        def page(u: str) -> bytes:
            return bytes(browser.open(u).read())

        def api(u: str) -> bytes:
            return bytes(urllib.request.urlopen(urllib.request.Request(u, headers=bearer)).read())

        for name, page_path, api_path in _pairs(case):
            p, p_cpu = timed(server, page, base + page_path, requests)
            a, a_cpu = timed(server, api, base + api_path, requests)
            out[name] = {"page": p, "api": a}
            print(
                f"{db:<10} {name:<9} page p50 {statistics.median(p):6.1f} p95 {_p95(p):6.1f} ms"
                f" cpu {p_cpu:5.1f} | api p50 {statistics.median(a):6.1f} p95 {_p95(a):6.1f} ms"
                f" cpu {a_cpu:5.1f} | ratio p50 {statistics.median(p) / statistics.median(a):4.1f}"
                f" cpu {p_cpu / a_cpu if a_cpu else float('nan'):4.1f}"
                f"  ({page_path} vs {api_path})",
                flush=True,
            )
        return out
    finally:
        server.stop()


def run() -> None:
    """`make bench`: each page against its API twin on SQLite, then PostgreSQL."""
    print(
        f"demo + {EXTRA} contracts; {REQUESTS} requests each, one at a time, after a warm-up;"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        measure("sqlite", f"sqlite:///{tmp}/pages.db")
    if os.environ.get("BENCH_PG", "1") != "0":
        with scratch_database("pages") as pg:
            if pg is not None:
                measure("postgresql", pg)
