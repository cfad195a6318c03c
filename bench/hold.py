"""Both apps held up on a fresh bench database, for measuring or profiling by hand.

`python -m bench.hold [sqlite|postgresql] [CONNECTIONS] [REQUESTS]` prints, for each path, a
load-generator command (bench/loadgen.py: wrk runs for a time, not a count) for Handover and
one for the lean app that each send REQUESTS per connection (even, so every case ends where it
began) and exit; timing the pair as whole processes gives the rate ratio. Ctrl-C (or SIGTERM)
stops the servers. The issue-13 held load (mixed load, 2 workers, memory, verify) is bench/held.py.
"""

from __future__ import annotations

import shlex
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from bench.fixture import Fixture, prepare
from bench.pg import scratch_database
from bench.procs import HERE, Server
from bench.server import paths, servers


@contextmanager
def _database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    with scratch_database("hold") as url:
        if url is None:
            sys.exit("no PostgreSQL server answers")
        yield url


def commands(
    fx: Fixture, handover: Server, lean: Server, connections: int, requests: int
) -> list[str]:
    """One fixed-work load-generator command per path and app."""
    lines = []
    for p in paths(fx):
        for server, target, own in (
            (handover, p.handover, fx.handover_cases),
            (lean, p.lean, fx.lean_cases),
        ):
            cases = fx.start_args(own[:connections]) if p.mode == "transition" else []
            cmd = [sys.executable, "-m", "bench.loadgen", "--port", str(server.port)]
            cmd += ["--connections", str(connections), "--requests", str(requests)]
            cmd += ["--seconds", "600", "--header", f"Authorization: Bearer {fx.token}"]
            cmd += [p.mode, target, *cases]
            lines.append(f"{p.name:<10} {server.name:<8} {shlex.join(cmd)}")
    return lines


def _stop(_signum: int, _frame: object) -> NoReturn:
    raise KeyboardInterrupt


def main() -> None:
    """Prepare, start both apps, print the commands, wait for a signal."""
    kind = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    requests = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    signal.signal(signal.SIGTERM, _stop)
    with _database(kind) as url:
        fx = prepare(url)
        try:
            with servers(fx) as (handover, lean):
                print(f"# from {HERE.parent}", flush=True)
                even = requests + requests % 2
                print("\n".join(commands(fx, handover, lean, connections, even)), flush=True)
                signal.pause()
        except KeyboardInterrupt:
            pass
        finally:
            fx.engine.dispose()


if __name__ == "__main__":
    main()
