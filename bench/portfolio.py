"""The portfolio page's server time with 10,000 contracts (issue 15 wants at most 200 ms).

The portfolio is bulk-inserted (the services would take minutes for 10,000 contracts and
the figures do not depend on how rows got there): two service lines a contract, in every
standing and route, with baselines, actuals and hard stops. Handover runs as a uvicorn
subprocess; one client asks in turn for the page (signed in by a session cookie) and for
GET /api/portfolio (a bearer token), so each time is the server's, without queueing. The
server's CPU per request is printed beside (on PostgreSQL the database's own CPU is apart).
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.cookiejar import CookieJar
from typing import Any

from sqlalchemy import insert, text

from app.auth import service as auth
from app.cases.models import Case, Component
from app.config import Settings
from app.contracts.models import Contract, ContractSupplier
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.deadlines.models import Deadline
from app.portfolio.models import ContractMoney, LineMoney
from app.web import signin
from bench.pg import scratch_database
from bench.procs import Server, spawn_server, wait_ready

CONTRACTS = int(os.environ.get("BENCH_PORTFOLIO_CONTRACTS", "10000"))
REQUESTS = int(os.environ.get("BENCH_PORTFOLIO_REQUESTS", "30"))
PASSWORD = "bench portfolio password"
# (state, route) of a contract's two lines, in turn: every standing and route appears.
LINES = [
    ("identified", None),
    ("route_proposed", "reprocure"),
    ("route_approved", "build_in_house"),
    ("defining_requirements", "reprocure"),
    ("live", "build_in_house"),
    ("commodity_live", "buy_commodity"),
    ("extended", "retain_extend"),
    ("decommissioned", "decommission"),
]


def _rows(n: int, now: datetime, today: date) -> dict[Any, list[dict[str, Any]]]:
    stamp = {"created_at": now, "updated_at": now}
    contracts, suppliers, components, cases, money, rests, stops = [], [], [], [], [], [], []
    for i in range(1, n + 1):
        contracts.append(
            {
                "id": i,
                "reference": f"PF-{i}",
                "title": f"Portfolio contract {i}",
                "buyer_name": f"Department {i % 12}",
                "tier": 1 + i % 3,
                "end_date": today + timedelta(days=200 + i % 1500),
                **stamp,
            }
        )
        suppliers.append({"contract_id": i, "position": 0, "name": f"Supplier {i % 40}"})
        stop = today + timedelta(days=200 + i % 1500)
        stops.append(
            {"scope": f"contract:{i}", "key": "hard_stop", "kind": "hard_stop", "date": stop}
            | {"contract_id": i, "status": "pending", **stamp}
        )
        if i % 3 == 0:
            rests.append(
                {"contract_id": i, "currency": "GBP", "unallocated_amount": Decimal(25_000)} | stamp
            )
        for j in (0, 1):
            line = 2 * i + j - 1
            state, route = LINES[(i + 3 * j) % len(LINES)]
            components.append(
                {"id": line, "contract_id": i, "review_case_id": i, "name": f"Line {j}"}
                | {"created_at": now}
            )
            cases.append(
                {"workflow": "service_component", "workflow_version": "bench", "state": state}
                | {"title": f"Line {j} of PF-{i}", "contract_id": i, "component_id": line}
                | {"route": route, "final": state.endswith(("live", "decommissioned")), **stamp}
            )
            moved = state in ("live", "commodity_live", "decommissioned")
            money.append(
                {"component_id": line, "contract_id": i, "currency": "GBP"}
                | {"baseline_amount": Decimal(100_000 + 1_000 * (i % 50))}
                | {"route_run_cost_amount": Decimal(80_000) if route else None}
                | {"actual_amount": Decimal(70_000) if moved else None}
                | {"actual_from": today - timedelta(days=i % 700) if moved else None, **stamp}
            )
    return {
        Contract: contracts,
        ContractSupplier: suppliers,
        Component: components,
        Case: cases,
        LineMoney: money,
        ContractMoney: rests,
        Deadline: stops,
    }


def prepare(url: str, contracts: int = CONTRACTS) -> str:
    """Migrate and fill the database; the API token of the user who reads the portfolio."""
    upgrade(url)
    engine = make_engine(Settings(database_url=url))
    now = datetime.now(UTC)
    with make_sessionmaker(engine).begin() as session:
        user = auth.create_user(
            session=session, name="leader", roles=["senior_responsible_owner"], now=now
        )
        token = auth.issue_token(session=session, user=user, now=now)
        signin.set_password(session=session, name="leader", password=PASSWORD, now=now)
        for model, rows in _rows(contracts, now, now.date()).items():
            for start in range(0, len(rows), 5000):
                session.execute(insert(model), rows[start : start + 5000])
    with engine.connect() as conn:  # plans from real statistics, as in production
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()
    return token


def signed_in(
    base: str, name: str = "leader", password: str = PASSWORD
) -> urllib.request.OpenerDirector:
    """A client holding a session cookie, signed in through the sign-in form as `name`."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/sign-in").read().decode()
    found = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert found, "no sign-in form"
    data = {"username": name, "password": password, "csrf_token": found[1], "next": "/"}
    opener.open(f"{base}/sign-in", urllib.parse.urlencode(data).encode()).read()
    return opener


def timed(server: Server, get: Any, url: str, requests: int) -> tuple[list[float], float]:
    """Wall time of each request (ms), and the server's CPU per request (ms): the shared
    machine's other work stretches the first but hardly the second."""
    get(url)  # warm: the first request imports templates and fills caches
    out = []
    cpu = server.cpu_seconds()
    for _ in range(requests):
        start = time.perf_counter()
        body = get(url)
        out.append((time.perf_counter() - start) * 1000)
        assert body, url
    return out, (server.cpu_seconds() - cpu) * 1000 / requests


def _line(db: str, name: str, contracts: int, ms: list[float], cpu: float) -> str:
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else ms[0]
    p50 = statistics.median(ms)
    return (
        f"{db:<10} {name:<14} {contracts} contracts"
        f"  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  server cpu {cpu:6.1f} ms"
    )


def measure(
    db: str, url: str, contracts: int = CONTRACTS, requests: int = REQUESTS
) -> dict[str, list[float]]:
    """Fill the database, start Handover, time the page and the API report in turn (ms)."""
    token = prepare(url, contracts)
    server = spawn_server(
        "handover",
        ["app.asgi:app"],
        {"HANDOVER_DATABASE_URL": url, "HANDOVER_SCHEDULER_ENABLED": "false"}
        | {"HANDOVER_LOG_LEVEL": "WARNING", "HANDOVER_ENVIRONMENT": "development"},
    )
    try:
        wait_ready(server, "/healthz")
        base = f"http://127.0.0.1:{server.port}"
        browser = signed_in(base)
        page, page_cpu = timed(
            server, lambda u: browser.open(u).read(), f"{base}/portfolio", requests
        )
        request = urllib.request.Request(
            f"{base}/api/portfolio", headers={"Authorization": f"Bearer {token}"}
        )
        api, api_cpu = timed(
            server, lambda _u: urllib.request.urlopen(request).read(), request.full_url, requests
        )
        print(_line(db, "/portfolio", contracts, page, page_cpu), flush=True)
        print(_line(db, "/api/portfolio", contracts, api, api_cpu), flush=True)
        return {"page": page, "api": api}
    finally:
        server.stop()


def run() -> None:
    """`make bench`: the portfolio page's and report's time on SQLite, then PostgreSQL."""
    print(f"{REQUESTS} requests each, one at a time (c=1), after one warm-up; 200 ms is the aim")
    with tempfile.TemporaryDirectory() as tmp:
        measure("sqlite", f"sqlite:///{tmp}/portfolio.db")
    if os.environ.get("BENCH_PG", "1") != "0":
        with scratch_database("portfolio") as pg:
            if pg is not None:
                measure("postgresql", pg)
