"""Slow clients cannot hold a connection: header deadline and body stall timeout (issue 13, 6).

Real sockets against a real uvicorn running with `handover serve`'s options (tests/server.py),
with both limits at 1 s so the tests are quick.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.cases.conftest import CONTRACT
from tests.server import ROOT, serve

LIMIT = 1.0
SLACK = 4.0
"""Two shared cores: the server may answer a few seconds late, never minutes late."""


@pytest.fixture
def server(db_url: str) -> Iterator[tuple[str, int]]:
    """A real server with both limits at LIMIT seconds; yields its host and port."""
    env = {
        "HANDOVER_DATABASE_URL": db_url,
        "HANDOVER_ENVIRONMENT": "test",
        "HANDOVER_HEADER_TIMEOUT_SECONDS": str(LIMIT),
        "HANDOVER_BODY_STALL_SECONDS": str(LIMIT),
    }
    with serve(env) as base:
        url = urlsplit(base)
        # Once this answers the server is accepting: the timings below start at a live server.
        assert httpx.get(f"{base}/healthz", timeout=60).status_code == 200
        yield url.hostname or "", url.port or 0


def _connect(server: tuple[str, int]) -> socket.socket:
    return socket.create_connection(server, timeout=LIMIT + SLACK + 30)


def _until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    got = b""
    while chunk := sock.recv(65536):
        got += chunk
    return got


def test_a_connection_that_sends_nothing_is_closed_with_408(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        answer = _until_closed(sock)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert LIMIT * 0.9 <= waited < LIMIT + SLACK, waited


def test_headers_trickled_a_line_at_a_time_meet_a_deadline(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        sent = 0
        try:  # a slowloris: a line every 0.2 s, never a gap as long as the limit
            while time.monotonic() - started < LIMIT + SLACK + 5:
                sock.sendall(b"X-Slow: a\r\n")
                sent += 1
                time.sleep(0.2)
        except OSError:
            pass  # the server closed the connection under us
        answer = _until_closed(sock)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert sent >= 3 and waited < LIMIT + SLACK, (sent, waited)


def _post_head(length: int, token: str) -> bytes:
    return (
        b"POST /api/contracts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n" % (token.encode(), length)
    )


def test_a_body_that_stops_is_answered_408_and_closed(
    server: tuple[str, int], pm: dict[str, str]
) -> None:
    token = pm["Authorization"].removeprefix("Bearer ")
    with _connect(server) as sock:
        sock.sendall(_post_head(100, token) + b'{"reference": ')
        started = time.monotonic()
        answer = _until_closed(sock)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert LIMIT * 0.9 <= waited < LIMIT + SLACK, waited


def test_a_slow_body_that_keeps_coming_is_not_cut(
    server: tuple[str, int], pm: dict[str, str]
) -> None:
    token = pm["Authorization"].removeprefix("Bearer ")
    body = json.dumps({"reference": "SLOW-1", "title": "Sent slowly"}).encode()
    chunks = [body[i : i + 8] for i in range(0, len(body), 8)]
    with _connect(server) as sock:
        sock.sendall(_post_head(len(body), token))
        started = time.monotonic()
        for chunk in chunks:  # gaps shorter than the limit, a whole longer than it
            time.sleep(LIMIT / 3)
            sock.sendall(chunk)
        took = time.monotonic() - started
        answer = sock.recv(65536)
    assert took > 2 * LIMIT
    # Answered on its merits (the contract lacks a buyer), not cut off.
    assert answer.startswith(b"HTTP/1.1 422 "), answer


def test_the_serve_command_uses_these_options() -> None:
    source = (ROOT / "app" / "cli.py").read_text()
    assert "**uvicorn_options()" in source  # the servers above are what `handover serve` runs


async def _post_all(base: str, headers: dict[str, str], n: int) -> list[int | str]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    # Whitespace after the JSON, past uvicorn's 64 KiB high-water mark: reading pauses, resumes.
    padding = " " * 100_000

    async def one(client: httpx.AsyncClient, i: int) -> int | str:
        body = json.dumps({**CONTRACT, "reference": f"LOAD-{i}"}) + padding
        json_type = {"Content-Type": "application/json"}
        try:
            return (
                await client.post("/api/contracts", content=body, headers=json_type)
            ).status_code
        except httpx.HTTPError as exc:  # a dropped connection shows up here
            return type(exc).__name__

    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=httpx.Timeout(60)
    ) as client:
        return await asyncio.gather(*(one(client, i) for i in range(n)))


def test_128_bodies_at_once_are_all_answered_none_cut(db_url: str, pm: dict[str, str]) -> None:
    env = {
        "HANDOVER_DATABASE_URL": db_url,
        "HANDOVER_ENVIRONMENT": "test",
        "HANDOVER_LOG_LEVEL": "WARNING",
        "HANDOVER_BODY_STALL_SECONDS": str(LIMIT),
        "HANDOVER_HEADER_TIMEOUT_SECONDS": str(LIMIT),
    }
    with serve(env) as base:
        started = time.monotonic()
        statuses = asyncio.run(_post_all(base, pm, 128))
        took = time.monotonic() - started
    counts = Counter(statuses)
    print(f"128 POSTs of 100 KB at once, {LIMIT} s stall limit: {dict(counts)} in {took:.1f} s")
    # Answered (created, or refused promptly under load), never cut off by the stall timer.
    assert set(counts) <= {201, 503}, counts
    assert counts[201] >= 1


def test_a_body_stopped_after_100_continue_is_answered_408(
    server: tuple[str, int], pm: dict[str, str]
) -> None:
    token = pm["Authorization"].removeprefix("Bearer ")
    head = _post_head(100, token).replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n")
    with _connect(server) as sock:
        sock.sendall(head)
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 ")  # the server asks for the body
        started = time.monotonic()
        answer = _until_closed(sock)  # and the client never sends it
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert waited < LIMIT + SLACK, waited
