"""OCDS import throughput and memory on generated packages.

A 100,000-release package is streamed and mapped under tracemalloc (bounded memory), then
imported through the service into scratch SQLite and a scratch PostgreSQL database (on
the server bench.pg finds; 10,000 releases there unless BENCH_OCDS_IMPORT_PG says).
BENCH_OCDS_IMPORT imports a prefix into SQLite instead, for a quick run.
Run alone with `python -m bench.ocds`.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy import event as sa_event

from app.config import Settings
from app.db.base import Base
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.imports import service
from app.imports.ocds_read import iter_releases, map_release
from bench.pg import scratch_database

RELEASES = int(os.environ.get("BENCH_OCDS_RELEASES", "100000"))
# The import inserts each chunk of 500 releases' new contracts together (app/imports/batch.py).
IMPORTED = int(os.environ.get("BENCH_OCDS_IMPORT", str(RELEASES)))
# PostgreSQL pays a round trip per audit event (chain.seal inserts them one by one): a prefix.
IMPORTED_PG = int(os.environ.get("BENCH_OCDS_IMPORT_PG", str(min(IMPORTED, 10_000))))
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _release(i: int) -> dict[str, Any]:
    start = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=i % 900)
    ocid = f"ocds-bench-{i:07d}"
    return {
        "ocid": ocid,
        "id": f"{ocid}-award",
        "date": (start - timedelta(days=30)).isoformat(),
        "tag": ["award"],
        "buyer": {"id": "b", "name": f"Buyer {i % 200}"},
        "parties": [
            {
                "id": "b",
                "name": f"Buyer {i % 200}",
                "roles": ["buyer"],
                "identifier": {"scheme": "GB-GOR", "id": f"PB{i % 200}"},
            },
            {
                "id": "s",
                "name": f"Supplier {i % 5000} Ltd",
                "roles": ["supplier"],
                "identifier": {"scheme": "GB-COH", "id": f"{i % 5000:08d}"},
            },
        ],
        "tender": {
            "id": f"t{i}",
            "title": f"Managed service {i}",
            "description": "Hosting, end-user computing and service desk. " * 4,
        },
        "awards": [
            {
                "id": f"a{i}",
                "value": {"amount": 10_000 + i, "currency": "GBP"},
                "suppliers": [{"id": "s", "name": f"Supplier {i % 5000} Ltd"}],
                "contractPeriod": {
                    "startDate": start.isoformat(),
                    "endDate": (start + timedelta(days=1095)).isoformat(),
                    "maxExtentDate": (start + timedelta(days=1825)).isoformat(),
                },
            }
        ],
    }


def _chunks(count: int) -> Iterator[bytes]:
    yield b'{"uri": "https://example.org/bench.json", "version": "1.1", "releases": ['
    for i in range(count):
        yield (b"," if i else b"") + json.dumps(_release(i)).encode()
    yield b"]}"


def generate(path: Path, count: int) -> int:
    """Write a release package of `count` releases; returns its size in bytes."""
    with path.open("wb") as fh:
        for chunk in _chunks(count):
            fh.write(chunk)
    return path.stat().st_size


def _read_only(package: Path) -> tuple[int, float, int]:
    # The streaming read and mapping alone, under tracemalloc: the bounded-memory claim.
    tracemalloc.start()
    started = time.perf_counter()
    with package.open("rb") as fh:
        count = sum(1 for path, rel in iter_releases(fh) if map_release(rel, path) is not None)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return count, elapsed, peak


# Every table an import of new contracts writes: the raw executemany reference copies them.
WRITTEN = (
    "contract",
    "contract_supplier",
    "contract_ocds_release",
    "deadline",
    "reminder",
    "audit_event",
)


@dataclass
class _Run:
    elapsed: float
    cpu: float
    statements: int
    raw_elapsed: float = 0.0
    raw_rows: int = 0


def _import(url: str, package: Path, expected: int, raw_url: str | None) -> _Run:
    upgrade(url)
    settings = Settings(database_url=url, environment="test")
    engine = make_engine(settings)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        with package.open("rb") as fh, make_sessionmaker(engine).begin() as session:
            report = service.import_ocds(
                session=session,
                stream=fh,
                source_file=package.name,
                actor=None,
                now=NOW,
                settings=settings,
            )
        run = _Run(time.perf_counter() - started, time.process_time() - cpu, statements)
        sa_event.remove(engine, "before_cursor_execute", count)
        if raw_url is not None:
            run.raw_elapsed, run.raw_rows = _raw_copy(engine, raw_url)
    finally:
        engine.dispose()
    assert report.created == expected, report.created
    return run


def _raw_copy(source: Engine, url: str) -> tuple[float, int]:
    """Seconds to executemany every row the import wrote into an empty database, and rows."""
    upgrade(url)
    target = make_engine(Settings(database_url=url, environment="test"))
    tables = [Base.metadata.tables[name] for name in WRITTEN]
    elapsed, rows = 0.0, 0
    try:
        with source.connect() as src, target.begin() as dst:
            for table in tables:
                result = src.execution_options(yield_per=5000).execute(select(table))
                for part in result.mappings().partitions():
                    batch = [dict(r) for r in part]
                    started = time.perf_counter()
                    dst.execute(insert(table), batch)
                    elapsed += time.perf_counter() - started
                    rows += len(batch)
    finally:
        target.dispose()
    return elapsed, rows


def _import_line(name: str, url: str, package: Path, count: int, raw_url: str | None) -> None:
    run = _import(url, package, count, raw_url)
    _line(
        f"ocds import {name}: releases/s",
        f"{count / run.elapsed:,.0f} ({count} releases, one transaction, {run.elapsed:.1f} s,"
        f" {run.cpu / count * 1000:.2f} ms CPU/release in this process)",
    )
    _line(f"ocds import {name}: statements/release", f"{run.statements / count:.2f}")
    if run.raw_rows:
        _line(
            f"ocds import {name}: raw executemany of its rows",
            f"{run.raw_rows / run.raw_elapsed:,.0f} rows/s ({run.raw_rows} rows,"
            f" {run.raw_elapsed:.1f} s): the import takes {run.elapsed / run.raw_elapsed:.1f}x",
        )


def _line(label: str, value: str) -> None:
    print(f"{label:<48} {value}")


def run() -> None:
    """Generate the packages, read one and import the others, print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        packages: dict[int, Path] = {}

        def package(count: int) -> Path:
            if count not in packages:
                packages[count] = Path(tmp) / f"bench-{count}.json"
                generate(packages[count], count)
            return packages[count]

        big = package(RELEASES)
        count, elapsed, peak = _read_only(big)
        _line(
            "ocds read+map (no database): releases/s",
            f"{count / elapsed:,.0f} ({count} releases,"
            f" {big.stat().st_size / 1e6:.0f} MB, {elapsed:.1f} s)",
        )
        _line("ocds read+map: tracemalloc peak", f"{peak / 1e6:.1f} MB")
        sqlite, raw = f"sqlite:///{tmp}/bench.db", f"sqlite:///{tmp}/raw.db"
        _import_line("sqlite", sqlite, package(IMPORTED), IMPORTED, raw)
        with scratch_database("ocds") as pg, scratch_database("ocds_raw") as pg_raw:
            if pg is not None and IMPORTED_PG:
                _import_line("postgresql", pg, package(IMPORTED_PG), IMPORTED_PG, pg_raw)
        maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        _line("ocds: process peak RSS (ru_maxrss)", f"{maxrss_mb:.0f} MB")


if __name__ == "__main__":
    run()
