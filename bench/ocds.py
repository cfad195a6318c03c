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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.imports import service
from app.imports.ocds_read import iter_releases, map_release
from bench.pg import scratch_database

RELEASES = int(os.environ.get("BENCH_OCDS_RELEASES", "100000"))
# The full import runs at a few hundred releases/s on 2 cores (an ORM create, its deadlines
# and audit events per release): about four minutes for 100,000 on SQLite.
IMPORTED = int(os.environ.get("BENCH_OCDS_IMPORT", str(RELEASES)))
# PostgreSQL pays a round trip per statement: about 120 releases/s here, so a prefix.
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


def _import(url: str, package: Path, expected: int) -> float:
    upgrade(url)
    settings = Settings(database_url=url, environment="test")
    engine = make_engine(settings)
    try:
        started = time.perf_counter()
        with package.open("rb") as fh, make_sessionmaker(engine).begin() as session:
            report = service.import_ocds(
                session=session,
                stream=fh,
                source_file=package.name,
                actor=None,
                now=NOW,
                settings=settings,
            )
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    assert report.created == expected, report.created
    return elapsed


def _import_line(name: str, url: str, package: Path, count: int) -> None:
    elapsed = _import(url, package, count)
    _line(
        f"ocds import {name}: releases/s",
        f"{count / elapsed:,.0f} ({count} releases, one transaction, {elapsed:.1f} s)",
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
        _import_line("sqlite", f"sqlite:///{tmp}/bench.db", package(IMPORTED), IMPORTED)
        with scratch_database("ocds") as pg:
            if pg is not None:
                _import_line("postgresql", pg, package(IMPORTED_PG), IMPORTED_PG)
        maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        _line("ocds: process peak RSS (ru_maxrss)", f"{maxrss_mb:.0f} MB")


if __name__ == "__main__":
    run()
