"""Load held (issue 13): a long mixed load on PostgreSQL, 2 workers, at 64 and 128 connections.

Handover runs as `uvicorn --workers 2` on a scratch PostgreSQL database holding the bench's
fixture. At each connection count bench/mixed.py (its own process) holds the load for
BENCH_HELD_SECONDS (60): a quarter of the connections fire pingpong transitions on cases of
their own, the rest read a case, a contracts page and the health check; half-way through a
reminder pass runs (`handover reminders run`, its own process, as cron would). Printed: the
rate, every status code, broken connections, p50/p99, the RSS of the server and all its
workers before and after, and, once the load is over, `handover audit verify`. The bench
fails on any error (a status outside 2xx, a broken connection), on RSS growing by more than
a fifth over a run, or on a failed reminder pass or verify.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from app.auth.models import User
from app.deadlines.models import Deadline, Reminder
from bench.fixture import WORKFLOWS, Fixture, prepare
from bench.pg import scratch_database
from bench.procs import HERE, Server, spawn_server, wait_ready

HANDOVER = [sys.executable, "-m", "app.cli"]
GROWTH = 1.2  # RSS after a run above this times before counts as memory not flat
DUE = 200  # in-app reminders due at each run's reminder pass, so the pass has work to do


@dataclass(frozen=True)
class HeldConfig:
    """How long, at what connection counts, with how many workers; from BENCH_HELD_*."""

    seconds: float = 60
    connections: tuple[int, ...] = (64, 128)
    workers: int = 2

    @classmethod
    def from_env(cls) -> HeldConfig:
        """BENCH_HELD_SECONDS (60), BENCH_HELD_CONNECTIONS (64,128), BENCH_HELD_WORKERS (2)."""
        env = os.environ.get
        return cls(
            seconds=float(env("BENCH_HELD_SECONDS", "60")),
            connections=tuple(int(c) for c in env("BENCH_HELD_CONNECTIONS", "64,128").split(",")),
            workers=int(env("BENCH_HELD_WORKERS", "2")),
        )


@dataclass
class Held:
    """One held run: what the load generator saw, and the server's memory around it."""

    connections: int
    requests: int
    transitions: int
    seconds: float
    codes: dict[str, int]
    broken: int
    p50_ms: float
    p99_ms: float
    rss_before: int
    rss_after: int
    reminders: str

    def errors(self) -> int:
        """Responses outside 2xx, and connections that broke."""
        return self.broken + sum(n for code, n in self.codes.items() if not code.startswith("2"))

    def flat(self) -> bool:
        """Whether the server's memory stayed within GROWTH of where the run began."""
        return self.rss_after <= self.rss_before * GROWTH

    def line(self) -> str:
        """The run as one report line."""
        codes = " ".join(f"{k}:{v}" for k, v in self.codes.items())
        mib = 1024 * 1024
        return (
            f"c={self.connections:<4} {self.requests / self.seconds:6.0f} req/s"
            f" ({self.requests} in {self.seconds:.0f} s, {self.transitions} transitions)"
            f" p50 {self.p50_ms:7.1f} p99 {self.p99_ms:7.1f} ms errors {self.errors()} [{codes}]"
            f" rss {self.rss_before / mib:.0f} -> {self.rss_after / mib:.0f} MiB"
            f" | reminders: {self.reminders}"
        )


def _env(fx: Fixture) -> dict[str, str]:
    return {
        "HANDOVER_DATABASE_URL": fx.url,
        "HANDOVER_LOG_LEVEL": "WARNING",
        "HANDOVER_SCHEDULER_ENABLED": "false",
        "HANDOVER_WORKFLOWS_DIR": str(WORKFLOWS),
        "HANDOVER_ENVIRONMENT": "development",
    }


def _cli(fx: Fixture, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_env(fx)}
    return subprocess.run(
        [*HANDOVER, *args], env=env, cwd=HERE.parent, capture_output=True, text=True, check=False
    )


@contextmanager
def _server(fx: Fixture, workers: int) -> Iterator[Server]:
    server = spawn_server("handover", ["app.asgi:app"], _env(fx), workers=workers)
    try:
        wait_ready(server, "/healthz")
        yield server
    finally:
        server.stop()


def _load_command(fx: Fixture, server: Server, connections: int, seconds: float) -> list[str]:
    writers = fx.start_args((fx.handover_cases + fx.lean_cases)[: connections // 4])
    cmd = [sys.executable, "-m", "bench.mixed", "--port", str(server.port)]
    cmd += ["--connections", str(connections), "--seconds", str(seconds)]
    cmd += ["--header", f"Authorization: Bearer {fx.token}"]
    for path in (f"/api/cases/{fx.read_case}", "/api/contracts?limit=50", "/healthz"):
        cmd += ["--read", path]
    return [*cmd, "--transition", "/api/cases/%d/transitions", *writers]


def _due_reminders(fx: Fixture, tag: str) -> None:
    """DUE in-app reminders to the bench user, due a minute ago (bulk: the rows are the point)."""
    now = datetime.now(UTC)
    with fx.engine.begin() as conn:
        deadline = conn.scalar(select(Deadline.id).order_by(Deadline.id).limit(1))
        user = conn.scalar(select(User.id).where(User.name == "bench"))
        due = now - timedelta(minutes=1)
        rows = [
            {"deadline_id": deadline, "offset_days": i, "due_at": due, "channel": "in_app"}
            | {"recipient": "bench", "user_id": user, "idempotency_key": f"held:{tag}:{i}"}
            | {"status": "pending", "attempts": 0, "next_attempt_at": due}
            | {"created_at": now, "updated_at": now}
            for i in range(DUE)
        ]
        conn.execute(insert(Reminder), rows)


def hold(fx: Fixture, server: Server, connections: int, seconds: float) -> Held:
    """Hold the mixed load for `seconds` with a reminder pass half-way; measure around it."""
    _due_reminders(fx, f"{connections}:{time.time_ns()}")
    rss_before = server.rss_bytes()
    passed: list[str] = []

    def reminder_pass() -> None:
        time.sleep(seconds / 2)  # half-way through the load, as a cron pass would land
        done = _cli(fx, "reminders", "run")
        said = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
        report = [ln for ln in said if not ln.startswith("warning:")] or said  # the k=v line
        passed.append(("ok: " if done.returncode == 0 else "FAILED: ") + " ".join(report[:1]))

    cron = threading.Thread(target=reminder_pass)
    cron.start()
    out = subprocess.run(
        _load_command(fx, server, connections, seconds),
        stdout=subprocess.PIPE,
        cwd=HERE.parent,
        check=False,
    ).stdout.decode()
    cron.join()
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"the mixed load printed no result:\n{out}")
    r = json.loads(line.removeprefix("BENCH_JSON "))
    return Held(
        connections=connections,
        requests=r["requests"],
        transitions=r["transitions"],
        seconds=r["duration_us"] / 1e6,
        codes=r["codes"],
        broken=r["broken"],
        p50_ms=r["p50_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        rss_before=rss_before,
        rss_after=server.rss_bytes(),
        reminders=passed[0] if passed else "FAILED: did not run",
    )


def measure(url: str, cfg: HeldConfig) -> tuple[list[Held], str, bool]:
    """Prepare, start the server, hold each load; the runs, verify's words, whether it passed."""
    fx = prepare(url)
    try:
        with _server(fx, cfg.workers) as server:
            hold(fx, server, min(cfg.connections), min(2.0, cfg.seconds))  # warm both workers
            runs = [hold(fx, server, c, cfg.seconds) for c in cfg.connections]
        verified = _cli(fx, "audit", "verify")
        words = " ".join((verified.stdout + verified.stderr).split())
        return runs, words, verified.returncode == 0
    finally:
        fx.engine.dispose()


def run() -> None:
    """`make bench`: the held load on a scratch PostgreSQL database; skipped without one."""
    cfg = HeldConfig.from_env()
    load = os.getloadavg()
    print(f"{cfg.workers} workers, {cfg.seconds:.0f} s a run; load average {load[0]:.1f}")
    with scratch_database("held") as url:
        if url is None:
            return
        runs, words, ok = measure(url, cfg)
    for held in runs:
        print(held.line(), flush=True)
    print(f"audit verify: {words}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    bad = [h for h in runs if h.errors() or not h.flat() or not h.reminders.startswith("ok")]
    if bad or not ok:
        sys.exit(
            "held load failed: errors, memory not flat, a failed reminder pass,"
            " or a chain that did not verify"
        )
