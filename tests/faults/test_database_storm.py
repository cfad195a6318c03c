"""Every server connection of the database killed, again and again, under load: no 500, and
the service recovers by itself.

This stands in for a PostgreSQL restart: the server itself is shared by every test run on the
machine, so the test kills every backend of its own database instead, which is what a restart
does to the service's pool (its connections die, in use or idle).
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from tests.server import serve

CONNECTIONS = 32
KILLS = 5
KILL_EVERY = 0.5
"""Seconds between kills: each one lands on a pool refilled since the last."""

KILL_ALL = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def _load(base: str, headers: dict[str, str], stop: threading.Event) -> list[object]:
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    outcomes: list[object] = []

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not stop.is_set():
            try:
                res = await client.get("/api/contracts?limit=5")
            except httpx.HTTPError as exc:  # a dropped connection, not an answer
                outcomes.append(type(exc).__name__)
                continue
            retry = res.headers.get("retry-after")
            outcomes.append(res.status_code if res.status_code != 503 or retry else "503 bare")

    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=httpx.Timeout(60)
    ) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(CONNECTIONS)))
    return outcomes


def test_killing_every_connection_under_load_is_503_at_worst_and_heals(
    db_url: str, db: sessionmaker[Session], pm: dict[str, str], is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("needs PostgreSQL: an SQLite file has no server connections to kill")
    env = {"HANDOVER_DATABASE_URL": db_url, "HANDOVER_ENVIRONMENT": "test"}
    stop = threading.Event()
    killed: list[int] = []

    def storm() -> None:
        try:
            for _ in range(KILLS):
                time.sleep(KILL_EVERY)
                with db.begin() as s:
                    killed.append(int(s.scalar(text(KILL_ALL)) or 0))
            time.sleep(KILL_EVERY)
        finally:
            stop.set()

    with serve(env) as base:
        assert httpx.get(f"{base}/api/me", headers=pm, timeout=60).status_code == 200
        killer = threading.Thread(target=storm)
        killer.start()
        outcomes = asyncio.run(_load(base, pm, stop))
        killer.join()
        # Afterwards, with nobody restarting anything, every request succeeds again.
        after = [httpx.get(f"{base}/api/contracts", headers=pm, timeout=60) for _ in range(20)]
    counts = {o: outcomes.count(o) for o in set(outcomes)}
    print(f"{sum(killed)} backends killed in {KILLS} storms; outcomes {counts}")
    assert sum(killed) >= KILLS, killed  # the storms did hit live connections
    assert set(counts) <= {200, 503}, counts  # never a 500, a dropped connection or a bare 503
    assert counts.get(200, 0) > 0
    assert [r.status_code for r in after] == [200] * 20
