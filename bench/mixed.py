"""Mixed load generator for the held-load bench: transitions and reads on one asyncio loop.

Runs as its own process (`python -m bench.mixed`) so its CPU is not the server's. Each of the
given cases gets one connection that fires its pingpong transitions in turn (so no two
connections race for a case); every other connection reads the given GET paths round robin.
Prints one BENCH_JSON line: requests, each status code seen, broken connections, p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.loadgen import _read_response, _request


@dataclass
class Tally:
    """What all connections saw."""

    latency: list[float] = field(default_factory=list)
    codes: Counter[int] = field(default_factory=Counter)
    broken: int = 0
    transitions: int = 0


async def _connection(
    args: argparse.Namespace, case: str | None, offset: int, stop: float, out: Tally
) -> None:
    reader, writer = await asyncio.open_connection(args.host, args.port)
    case_id, _, first = (case or "").partition(":")
    turn = 0 if first == "check" else 1
    try:
        sent = offset
        while time.perf_counter() < stop:
            sent += 1
            if case is None:
                req = _request("GET", args.read[sent % len(args.read)], args.header)
            else:
                body = json.dumps({"trigger": ("check", "reset")[turn], "reason": "bench"})
                req = _request("POST", args.transition % int(case_id), args.header, body)
            t0 = time.perf_counter()
            writer.write(req)
            status = await asyncio.wait_for(_read_response(reader), args.timeout)
            out.latency.append(time.perf_counter() - t0)
            out.codes[status] += 1
            if case is not None and 200 <= status < 300:
                turn = 1 - turn
                out.transitions += 1
    except (OSError, asyncio.IncompleteReadError, TimeoutError):
        out.broken += 1
    finally:
        writer.close()


async def _run(args: argparse.Namespace) -> dict[str, object]:
    out = Tally()
    start = time.perf_counter()
    stop = start + args.seconds
    cases: list[str | None] = list(args.cases[: args.connections])
    cases += [None] * (args.connections - len(cases))
    await asyncio.gather(*(_connection(args, c, i, stop, out) for i, c in enumerate(cases)))
    lat = sorted(out.latency) or [0.0]
    return {
        "requests": len(out.latency),
        "duration_us": int((time.perf_counter() - start) * 1e6),
        "codes": {str(k): v for k, v in sorted(out.codes.items())},
        "broken": out.broken,
        "transitions": out.transitions,
        "p50_us": int(lat[len(lat) // 2] * 1e6),
        "p99_us": int(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e6),
    }


def main() -> None:
    """Parse the arguments, run the load, print one BENCH_JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="per response, seconds")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--read", action="append", required=True, help="a GET path (repeat)")
    parser.add_argument("--transition", required=True, help="POST path; %%d is the case id")
    parser.add_argument("cases", nargs="*", help="'id:first-trigger', one connection each")
    args = parser.parse_args()
    print("BENCH_JSON " + json.dumps(asyncio.run(_run(args))), flush=True)


if __name__ == "__main__":
    main()
