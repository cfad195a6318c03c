"""Audit verify throughput: seed a keyed chain, then time `verify` over it on both databases.

BENCH_AUDIT_EVENTS events (default 1,000,000) are signed with a scratch key and written
with executemany into scratch SQLite and PostgreSQL databases, anchored every 1,000 events
as the service does; then the whole chain is verified with 1 and 2 worker processes, and
once more since a checkpoint near the head. Run alone with `python -m bench.audit`.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, select, update

from app.audit import anchors, keys, stored
from app.audit.models import AuditEvent, AuditHead
from app.audit.setup import AuditSetup
from app.audit.verify import verify
from app.db.migrate import upgrade
from bench.pg import scratch_database

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
WORKERS = (1, 2)
BATCH = 20_000
ANCHOR_EVERY = 1000
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _fields(seq: int, cases: int = 3000, contracts: int = 5000) -> dict[str, Any]:
    """A contract change or a case transition, about the size the service writes, spread
    over `cases` cases and `contracts` contracts."""
    common = {"seq": seq, "at": START + timedelta(seconds=seq), "evidence": []}
    if seq % 2:
        return {
            **common,
            "actor": f"user{seq % 40}",
            "roles": ["programme_manager"],
            "action": "contract.updated",
            "case_id": None,
            "contract_id": seq % contracts + 1,
            "trigger": None,
            "from_state": None,
            "to_state": None,
            "reason": "notice period agreed with the supplier",
            "details": {
                "before": {"notice_period_days": 90, "end_date": "2027-03-31"},
                "after": {"notice_period_days": 180, "end_date": "2027-09-30"},
            },
        }
    return {
        **common,
        "actor": f"user{seq % 40}",
        "roles": ["programme_manager", "senior_responsible_owner"],
        "action": "case.transitioned",
        "case_id": seq % cases + 1,
        "contract_id": seq % contracts + 1,
        "trigger": "choose_route",
        "from_state": "options_appraisal",
        "to_state": "route_chosen",
        "reason": "in-house build is cheaper over five years",
        "evidence": [{"title": "Options paper", "url": "https://example.gov.uk/p.pdf"}],
        "details": {"route": "build_in_house"},
    }


def _rows(
    ring: keys.KeyRing, audit: AuditSetup, events: int, cases: int, contracts: int
) -> Iterator[list[dict[str, Any]]]:
    prev, batch = "0" * 64, []
    key_id = ring.current_id
    for seq in range(1, events + 1):
        values = stored.row_values(_fields(seq, cases, contracts), key_id, prev)
        hash_ = ring.mac(key_id, stored.mac_message(stored.signed_texts(values)))
        batch.append({**values, "hash": hash_})
        prev = hash_
        if seq % ANCHOR_EVERY == 0:
            anchors.write(audit, seq, hash_)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(
    conn: Connection,
    audit: AuditSetup,
    events: int = EVENTS,
    cases: int = 3000,
    contracts: int = 5000,
) -> float:
    """Write a signed, anchored chain of `events` events with executemany; seconds taken."""
    began = time.perf_counter()
    ring = audit.ring()
    last: dict[str, Any] = {}
    statement = stored.insert_statement(conn.dialect.name)
    for batch in _rows(ring, audit, events, cases, contracts):
        conn.execute(statement, batch)
        last = batch[-1]
    conn.execute(update(AuditHead).values(seq=last["seq"], hash=last["hash"]))
    conn.commit()
    return time.perf_counter() - began


def _cpu() -> float:
    # This process and its reaped children: verify's worker processes end with the pool.
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(conn: Connection, audit: AuditSetup, **options: Any) -> tuple[float, float, int]:
    began, cpu = time.perf_counter(), _cpu()
    with conn.begin():
        result = verify(conn, audit, **options)
    elapsed, cpu = time.perf_counter() - began, _cpu() - cpu
    assert result.ok, result
    return elapsed, cpu, result.events


def _bench(label: str, url: str, folder: Path) -> None:
    upgrade(url)
    audit = AuditSetup(folder / f"{label}.keys", folder / f"{label}.anchors", ANCHOR_EVERY)
    keys.create_key_file(audit.key_file)
    engine = create_engine(url)
    with engine.connect() as conn:
        seeded = seed(conn, audit)
        print(f"{label}: seeded {EVENTS:,} events in {seeded:.1f} s", flush=True)
        for workers in WORKERS:
            elapsed, cpu, events = _timed(conn, audit, workers=workers)
            print(
                f"{label}: verify {events:,} events, {workers} process(es): {elapsed:.2f} s,"
                f" {events / elapsed:,.0f} events/s; {cpu:.1f} CPU-s,"
                f" {events / cpu:,.0f} events per CPU-second; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        anchors.write(audit, EVENTS - 10_000, _hash_at(conn, EVENTS - 10_000), kind="checkpoint")
        elapsed, _cpu_s, events = _timed(conn, audit, since_checkpoint=True)
        print(f"{label}: verify --since-checkpoint: {events:,} events in {elapsed:.3f} s")
    engine.dispose()


def _hash_at(conn: Connection, seq: int) -> str:
    with conn.begin():
        return str(conn.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq)))


def run() -> None:
    """Seed and verify on SQLite, then on PostgreSQL when a server answers."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _bench("sqlite", f"sqlite:///{folder / 'audit.db'}", folder)
        with scratch_database("audit") as pg_url:
            if pg_url is not None:
                _bench("postgresql", pg_url, folder)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the bench process {peak:.0f} MB (seeding included)")


if __name__ == "__main__":
    run()
