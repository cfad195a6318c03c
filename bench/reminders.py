"""Finding due reminders among 10,000 and 1,000,000 pending ones must stay nearly flat."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, text

from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import make_engine
from app.outbox.claims import due_condition
from app.reminders.dispatch import REMINDERS
from bench.pg import scratch_database

NOW = datetime(2027, 1, 1, 9, tzinfo=UTC)
SIZES = (10_000, 1_000_000)
DUE = 100  # rows due at NOW; everything else is in the future
RUNS = 15


def _due_query(now: datetime):  # type: ignore[no-untyped-def]
    c = REMINDERS.c
    return select(c.id).where(due_condition(REMINDERS, now)).order_by(c.next_attempt_at).limit(100)


def _fill_sqlite(engine: Engine, total: int, have: int) -> None:
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    with engine.begin() as conn:
        if have == 0:
            conn.exec_driver_sql(
                "INSERT INTO deadline (id, scope, key, kind, date, status, created_at, updated_at)"
                " VALUES (1, 'bench', 'k', 'notice', '2030-01-01', 'pending', ?, ?)",
                (NOW.strftime(fmt), NOW.strftime(fmt)),
            )
        rows = []
        for i in range(have, total):
            due = (
                NOW - timedelta(minutes=1) if i < DUE else NOW + timedelta(minutes=1 + i % 500_000)
            )
            stamp = due.strftime(fmt)
            rows.append((i, stamp, f"r{i}", f"bench:{i}", stamp, stamp, stamp))
        conn.exec_driver_sql(
            "INSERT INTO reminder (deadline_id, offset_days, due_at, channel, recipient,"
            " idempotency_key, status, attempts, next_attempt_at, created_at, updated_at)"
            " VALUES (1, ?, ?, 'in_app', ?, ?, 'pending', 0, ?, ?, ?)",
            rows,
        )
        conn.exec_driver_sql("ANALYZE")


def _fill_postgres(engine: Engine, total: int, have: int) -> None:
    with engine.begin() as conn:
        if have == 0:
            conn.execute(
                text(
                    "INSERT INTO deadline"
                    " (id, scope, key, kind, date, status, created_at, updated_at)"
                    " VALUES (1, 'bench', 'k', 'notice', '2030-01-01', 'pending', :n, :n)"
                ),
                {"n": NOW},
            )
        conn.execute(
            text(
                "INSERT INTO reminder (deadline_id, offset_days, due_at, channel, recipient,"
                " idempotency_key, status, attempts, next_attempt_at, created_at, updated_at)"
                " SELECT 1, i, t, 'in_app', 'r' || i, 'bench:' || i, 'pending', 0, t, t, t FROM ("
                "  SELECT i, CASE WHEN i < :due THEN :now - interval '1 minute'"
                "   ELSE :now + make_interval(mins => 1 + i % 500000) END AS t"
                "  FROM generate_series(:lo, :hi - 1) AS i) s"
            ),
            {"due": DUE, "now": NOW, "lo": have, "hi": total},
        )
        conn.execute(text("ANALYZE reminder"))


def _time(engine: Engine) -> float:
    stmt = _due_query(NOW)
    samples = []
    with engine.connect() as conn:
        for _ in range(RUNS):
            start = time.perf_counter()
            found = conn.execute(stmt).all()
            samples.append(time.perf_counter() - start)
            assert len(found) == DUE, len(found)
        conn.rollback()
    return statistics.median(samples)


def _plan(engine: Engine) -> str:
    # The dispatcher's due query (see app.outbox.claims.due_condition), as plain SQL.
    sql = (
        "SELECT id FROM reminder WHERE status = 'pending' AND next_attempt_at <= :now"
        " AND (lease_until IS NULL OR lease_until < :now) ORDER BY next_attempt_at LIMIT 100"
    )
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(text("EXPLAIN " + sql), {"now": NOW})
        else:
            now = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
            rows = conn.execute(text("EXPLAIN QUERY PLAN " + sql), {"now": now})
        return " | ".join(str(r[-1]).strip() for r in rows)


def _bench(label: str, engine: Engine) -> None:
    fill = _fill_postgres if engine.dialect.name == "postgresql" else _fill_sqlite
    figures = []
    have = 0
    for size in SIZES:
        start = time.perf_counter()
        fill(engine, size, have)
        have = size
        median = _time(engine)
        figures.append(median)
        filled = time.perf_counter() - start
        print(
            f"{label}: find {DUE} due among {size:>9,} pending reminders: "
            f"{median * 1000:.3f} ms median of {RUNS} (filled in {filled:.1f} s)"
        )
    print(f"{label}: ratio 1,000,000 / 10,000 = {figures[1] / figures[0]:.2f}")
    plan = _plan(engine)
    print(f"{label}: plan: {plan}")
    print(f"{label}: index used: {'ix_reminder_status_next_attempt_at' in plan}")


def run() -> None:
    """Bench the due-reminder query on SQLite, and on PostgreSQL when a server answers."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(Settings(database_url=url, environment="test"))
        try:
            _bench("sqlite", engine)
        finally:
            engine.dispose()
    with scratch_database("reminders") as pg:
        if pg is not None:
            engine = make_engine(Settings(database_url=pg, environment="test"))
            try:
                upgrade(pg)
                _bench("postgresql", engine)
            finally:
                engine.dispose()


if __name__ == "__main__":
    run()
