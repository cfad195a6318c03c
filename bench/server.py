"""The server under load: Handover against the lean reference, interleaved A B A B, as ratios.

Both apps run as uvicorn subprocesses (one worker each) on the bench's own database; a load
generator in a separate process (wrk, or bench/loadgen.py without it) drives one at a time.
Every figure is printed with its ratio to the lean reference measured in the same run.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.fixture import WORKFLOWS, Fixture, prepare
from bench.lean import URL_ENV
from bench.pg import scratch_database
from bench.procs import Load, Server, drive, generator, spawn_server, wait_ready


@dataclass(frozen=True)
class Probe:
    """One measured path: how each app serves it."""

    name: str
    mode: str  # "get" or "transition"
    handover: str
    lean: str


def paths(fx: Fixture) -> list[Probe]:
    """The four paths, each with its lean counterpart."""
    return [
        Probe("transition", "transition", "/api/cases/%d/transitions", "/cases/%d/transitions"),
        Probe("case", "get", f"/api/cases/{fx.read_case}", f"/cases/{fx.read_case}"),
        Probe("contracts", "get", "/api/contracts?limit=50", "/contracts?limit=50"),
        Probe("healthz", "get", "/healthz", "/ping"),
    ]


@dataclass
class Config:
    """How long and how often; from BENCH_* variables so `make bench` can pass them."""

    seconds: int = 4
    rounds: int = 3
    connections: tuple[int, ...] = (1, 16)
    warmup: int = 1
    profile: bool = False
    postgres: bool = True

    @classmethod
    def from_env(cls) -> Config:
        """BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS (1,16), BENCH_PROFILE, BENCH_PG."""
        env = os.environ.get
        return cls(
            seconds=int(env("BENCH_SECONDS", "4")),
            rounds=int(env("BENCH_ROUNDS", "3")),
            connections=tuple(int(c) for c in env("BENCH_CONNECTIONS", "1,16").split(",")),
            warmup=int(env("BENCH_WARMUP", "1")),
            profile=env("BENCH_PROFILE", "") not in ("", "0"),
            postgres=env("BENCH_PG", "1") != "0",
        )


@dataclass
class Row:
    """Every run of one path at one connection count, for both apps."""

    db: str
    path: str
    connections: int
    handover: list[Load] = field(default_factory=list)
    lean: list[Load] = field(default_factory=list)

    def errors(self) -> int:
        """Failed requests of both apps over all rounds: must be 0."""
        return sum(r.errors for r in self.handover + self.lean)


@contextmanager
def servers(fx: Fixture) -> Iterator[tuple[Server, Server]]:
    """Handover (no scheduler) and the lean app, both on the fixture's database."""
    env = {
        "HANDOVER_DATABASE_URL": fx.url,
        "HANDOVER_LOG_LEVEL": "WARNING",
        "HANDOVER_SCHEDULER_ENABLED": "false",
        "HANDOVER_WORKFLOWS_DIR": str(WORKFLOWS),
    }
    # Both start at once (importing the app is most of a start) and stop together.
    handover = spawn_server("handover", ["app.asgi:app"], env)
    lean = spawn_server("lean", ["--factory", "bench.lean:from_env"], {URL_ENV: fx.url})
    try:
        wait_ready(handover, "/healthz")
        wait_ready(lean, "/ping")
        yield handover, lean
    finally:
        handover.stop()
        lean.stop()


def _once(fx: Fixture, server: Server, p: Probe, connections: int, seconds: int) -> Load:
    own = fx.handover_cases if server.name == "handover" else fx.lean_cases
    cases = fx.start_args(own[:connections]) if p.mode == "transition" else []
    target = p.handover if server.name == "handover" else p.lean
    return drive(
        server, p.mode, target, cases, connections=connections, seconds=seconds, token=fx.token
    )


def measure(db: str, fx: Fixture, cfg: Config) -> list[Row]:
    """Start both apps, then measure_with them."""
    with servers(fx) as (handover, lean):
        return measure_with(db, fx, cfg, handover, lean)


def measure_with(
    db: str, fx: Fixture, cfg: Config, handover: Server, lean: Server, only: set[str] | None = None
) -> list[Row]:
    """Warm both apps up, then every path (or those in `only`) and connection count A B A B."""
    rows: list[Row] = []
    chosen = [p for p in paths(fx) if only is None or p.name in only]
    for p in chosen if cfg.warmup else []:
        for server in (handover, lean):
            _once(fx, server, p, max(cfg.connections), cfg.warmup)
    for connections in cfg.connections:
        for p in chosen:
            row = Row(db, p.name, connections)
            for _ in range(cfg.rounds):
                row.handover.append(_once(fx, handover, p, connections, cfg.seconds))
                row.lean.append(_once(fx, lean, p, connections, cfg.seconds))
            print(format_row(row), flush=True)
            rows.append(row)
    if cfg.profile:
        profile(fx, handover, chosen[0], max(cfg.connections), cfg.seconds, db)
    return rows


def profile(fx: Fixture, server: Server, p: Probe, connections: int, seconds: int, db: str) -> None:
    """One extra, uncounted run of `p` with py-spy recording the Handover server."""
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        print("profile skipped: py-spy is not installed (.venv/bin/pip install py-spy)")
        return
    out = Path(tempfile.gettempdir()) / f"handover-bench-{db}-{p.name}.folded"
    cmd = [spy, "record", "--pid", str(server.proc.pid), "--duration", str(seconds)]
    cmd += ["--nonblocking", "--format", "raw", "--output", str(out)]
    with subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        _once(fx, server, p, connections, seconds)
    if out.exists():
        print(f"profile of {db} {p.name} at c={connections}: {out} (folded stacks)")
        print(summarise_profile(out.read_text()))


BUCKETS = {
    # uvloop's run_forever is C, invisible to py-spy: asyncio.run's frame marks the thread too.
    "event loop thread": ("run_forever", "asyncio/runners.py"),
    "threadpool (sync endpoints, dependencies)": ("WorkerThread.run",),
    "sqlalchemy": ("sqlalchemy/",),
    "pydantic": ("pydantic",),
}


def summarise_profile(folded: str, top: int = 12) -> str:
    """Shares of samples by layer, then the app frames most samples pass through."""
    total = 0
    inclusive: dict[str, int] = {}
    for line in folded.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        # one entry a function, whichever of its lines the sample was on
        frames = {re.sub(r":\d+\)$", ")", f) for f in stack.split(";")}
        for frame in frames:
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
        for bucket, markers in BUCKETS.items():
            if any(marker in stack for marker in markers):
                inclusive[bucket] = inclusive.get(bucket, 0) + int(count)
    mine = [f for f in sorted(inclusive, key=lambda f: -inclusive[f]) if " (app/" in f][:top]
    return "\n".join(
        f"  {100 * inclusive[f] / max(1, total):5.1f}%  {f}"
        for f in [*(b for b in BUCKETS if b in inclusive), *mine]
    )


def _med(loads: list[Load], attr: str) -> float:
    # "requests" becomes a rate; the other figures are already per request
    return float(
        statistics.median(
            getattr(x, attr) / (x.seconds if attr == "requests" else 1) for x in loads
        )
    )


def format_row(row: Row) -> str:
    """One line: Handover's medians, the lean app's, and Handover / lean for each."""
    figures = []
    ratios = []
    for attr in ("requests", "p50_ms", "p99_ms", "server_cpu_ms"):
        h, le = _med(row.handover, attr), _med(row.lean, attr)
        figures.append((h, le))
        ratios.append(h / le if le else float("nan"))
    (rps, rps_l), (p50, p50_l), (p99, p99_l), (cpu, cpu_l) = figures
    errs = sum(r.errors for r in row.handover), sum(r.errors for r in row.lean)
    return (
        f"{row.db:<10} {row.path:<10} c={row.connections:<2} "
        f"handover {rps:6.0f}/s p50 {p50:6.1f} p99 {p99:6.1f} ms cpu {cpu:5.2f} ms err {errs[0]}"
        f" | lean {rps_l:6.0f}/s p50 {p50_l:6.1f} p99 {p99_l:6.1f} cpu {cpu_l:5.2f} err {errs[1]}"
        f" | ratio rps {ratios[0]:4.2f} p50 {ratios[1]:4.1f} p99 {ratios[2]:4.1f}"
        f" cpu {ratios[3]:4.1f}"
    )


def run_databases(cfg: Config) -> list[Row]:
    """SQLite in a temporary file, then PostgreSQL when a server answers (and cfg allows)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        fx = prepare(f"sqlite:///{tmp}/bench.db")
        try:
            rows += measure("sqlite", fx, cfg)
        finally:
            fx.engine.dispose()
    if cfg.postgres:
        with scratch_database("server") as pg:
            if pg is not None:
                fx = prepare(pg)
                try:
                    rows += measure("postgresql", fx, cfg)
                finally:
                    fx.engine.dispose()
    return rows


def run() -> None:
    """`make bench`: print every path's figures with their ratio to the lean reference."""
    cfg = Config.from_env()
    gen = generator()
    if gen != "wrk":
        print(
            "wrk is not installed (Debian package wrk): falling back to bench/loadgen.py, a"
            " Python load generator in its own process; it costs the shared cores more CPU, so"
            " the server's figures come out lower"
        )
    print(
        f"load generator {gen}; {cfg.rounds} rounds of {cfg.seconds} s each, interleaved A B;"
        " medians; ratio = Handover / lean (rps: higher is better; latency, cpu: lower is better)"
    )
    rows = run_databases(cfg)
    client = statistics.median(x.client_cpu_ms for r in rows for x in r.handover + r.lean)
    print(f"load generator CPU per request (median): {client:.3f} ms")
    failed = sum(r.errors() for r in rows)
    if failed:
        print(f"FAILED: {failed} requests answered an error or failed; figures are not valid")
        sys.exit(1)


if __name__ == "__main__":
    run()
