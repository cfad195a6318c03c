"""The bench's processes: the servers under test, and the load generator that drives them."""

from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A port nobody listens on now: the machine is shared, so never a fixed one."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A uvicorn subprocess (one worker) and where it answers."""

    name: str
    proc: subprocess.Popen[bytes]
    port: int

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process so far, all its threads (from /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime

    def rss_bytes(self) -> int:
        """Resident memory of the server and all its worker processes (from /proc)."""
        total, todo = 0, [self.proc.pid]
        while todo:
            pid = todo.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except FileNotFoundError:
                continue  # a worker that ended between the listing and the read
            rss = next((ln for ln in status.splitlines() if ln.startswith("VmRSS:")), "")
            total += int(rss.split()[1]) * 1024 if rss else 0
            todo += [int(k) for k in kids]
        return total

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def spawn_server(name: str, target: list[str], env: dict[str, str], workers: int = 1) -> Server:
    """Start `uvicorn TARGET` (one worker unless told) on a free port; see wait_ready."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", *target, "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--no-access-log", "--log-level", "warning", "--workers", str(workers)]
    return Server(name, subprocess.Popen(cmd, env={**os.environ, **env}, cwd=HERE.parent), port)


def wait_ready(server: Server, ready: str) -> None:
    """Return once GET `ready` answers 200; stop the server and raise if it never does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.proc.poll() is None:
        try:
            url = f"http://127.0.0.1:{server.port}{ready}"
            with urllib.request.urlopen(url, timeout=5) as res:
                if res.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)  # waiting for a server to start, not timing anything
    server.stop()
    raise RuntimeError(f"{server.name} server did not start on port {server.port}")


@dataclass
class Load:
    """What one load-generator run against one path measured."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float  # per request
    client_cpu_ms: float  # per request


def generator() -> str:
    """'wrk' when it is installed (unless BENCH_LOADGEN=python), else bench/loadgen.py."""
    if os.environ.get("BENCH_LOADGEN") == "python":
        return "python"
    return "wrk" if shutil.which("wrk") else "python"


def drive(
    server: Server,
    mode: str,
    path: str,
    cases: list[str],
    *,
    connections: int,
    seconds: int,
    token: str,
) -> Load:
    """Drive `path` with `connections` connections for `seconds`; measure server CPU around it."""
    header = f"Authorization: Bearer {token}"
    if generator() == "wrk":
        cmd = ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s"]
        cmd += ["--timeout", "30s", "-H", header, "-s", str(HERE / "wrk.lua")]
        cmd += [f"http://127.0.0.1:{server.port}", "--", mode, path, *cases]
    else:
        cmd = [sys.executable, "-m", "bench.loadgen", "--port", str(server.port)]
        cmd += ["--connections", str(connections), "--seconds", str(seconds), "--header", header]
        cmd += [mode, path, *cases]
    cpu0, client0 = server.cpu_seconds(), _children_cpu()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, cwd=HERE.parent, check=False).stdout
    cpu, client_cpu = server.cpu_seconds() - cpu0, _children_cpu() - client0
    line = next((ln for ln in out.decode().splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"load generator printed no result: {' '.join(cmd)}\n{out.decode()}")
    r = json.loads(line.removeprefix("BENCH_JSON "))
    n = max(1, r["requests"])
    errors = sum(r[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Load(
        requests=r["requests"],
        seconds=r["duration_us"] / 1e6,
        errors=errors,
        p50_ms=r["p50_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        server_cpu_ms=cpu * 1000 / n,
        client_cpu_ms=client_cpu * 1000 / n,
    )


def _children_cpu() -> float:
    # Reaped children only: the load generator; the servers are reaped when they stop.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
