"""Fallback load generator, used only when wrk is missing: the same contract as bench/wrk.lua.

Runs as its own process (`python -m bench.loadgen`) so its CPU is not the server's, on one
asyncio loop with raw keep-alive HTTP/1.1; it costs more CPU per request than wrk, so on a
2-core machine it understates the server more. Prints the same BENCH_JSON line as wrk.lua.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time


def _request(method: str, path: str, headers: list[str], body: str = "") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one response with a Content-Length or chunked body; return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return status


async def _connection(
    args: argparse.Namespace, case: str | None, stop: float, out: dict[str, list[float]]
) -> None:
    reader, writer = await asyncio.open_connection(args.host, args.port)
    case_id, _, first = (case or "").partition(":")
    turn = 0 if first == "check" else 1
    try:
        sent = 0
        while time.perf_counter() < stop and sent != args.requests:
            sent += 1
            if case is None:
                req = _request("GET", args.path, args.header)
            else:
                body = json.dumps({"trigger": ("check", "reset")[turn], "reason": "bench"})
                req = _request("POST", args.path % int(case_id), args.header, body)
            t0 = time.perf_counter()
            writer.write(req)
            status = await _read_response(reader)
            out["latency"].append(time.perf_counter() - t0)
            if 200 <= status < 400:
                turn = 1 - turn
            else:
                out["status"].append(status)
    except (OSError, asyncio.IncompleteReadError):
        out["read"].append(1.0)
    finally:
        writer.close()


async def _run(args: argparse.Namespace) -> dict[str, int]:
    out: dict[str, list[float]] = {"latency": [], "status": [], "read": []}
    start = time.perf_counter()
    stop = start + args.seconds
    cases: list[str | None] = (
        list(args.cases) if args.mode == "transition" else [None] * args.connections
    )
    await asyncio.gather(*(_connection(args, c, stop, out) for c in cases[: args.connections]))
    lat = sorted(out["latency"]) or [0.0]
    return {
        "requests": len(out["latency"]),
        "duration_us": int((time.perf_counter() - start) * 1e6),
        "connect": 0,
        "read": len(out["read"]),
        "write": 0,
        "status": len(out["status"]),
        "timeout": 0,
        "p50_us": int(lat[len(lat) // 2] * 1e6),
        "p99_us": int(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e6),
    }


def main() -> None:
    """Parse the arguments, run the load, print one BENCH_JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument(
        "--requests", type=int, default=-1, help="stop each connection after this many (fixed work)"
    )
    parser.add_argument("mode", choices=["get", "transition"])
    parser.add_argument("path", help="the path; %%d stands for the case id of a transition")
    parser.add_argument("cases", nargs="*", help="one 'id:first-trigger' per connection")
    args = parser.parse_args()
    print("BENCH_JSON " + json.dumps(asyncio.run(_run(args))), flush=True)


if __name__ == "__main__":
    main()
