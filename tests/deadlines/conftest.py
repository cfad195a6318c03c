"""Fixtures for the reminder tests: a real SMTP server, a real HTTP receiver, a wired app."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.config import Settings
from app.reminders.scheduler import PassReport, run_pass

HOOK_SECRET = "test-webhook-secret-0123456789abcdef"


@dataclass
class Mailbox:
    """Stores every message aiosmtpd receives; refuses recipients while `refuse_with` is set."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse_with: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_with is not None:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"


@dataclass
class Received:
    """Requests the HTTP receiver saw, and the status it answers with."""

    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 204


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def receiver() -> Iterator[tuple[Received, str]]:
    seen = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.requests.append((dict(self.headers.items()), body))
            self.send_response(seen.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield seen, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def settings(db_url: str, mailbox: tuple[Mailbox, int], receiver: tuple[Received, str]) -> Settings:
    """Settings with a real SMTP server and webhook receiver (overrides the root fixture)."""
    return Settings(
        database_url=db_url,
        environment="test",
        scheduler_enabled=False,
        smtp_host="127.0.0.1",
        smtp_port=mailbox[1],
        smtp_sender="handover@exit.example.gov.uk",
        webhook_url=receiver[1],
        webhook_secret=HOOK_SECRET,
        webhook_timeout_seconds=2.0,
    )


@pytest.fixture
def run(client: TestClient, settings: Settings, clock: FrozenClock) -> Callable[..., PassReport]:
    """One scheduler pass against the app's database at the frozen clock's time."""

    def one_pass(**kwargs: Any) -> PassReport:
        return run_pass(
            sessions=cast(FastAPI, client.app).state.sessionmaker,
            settings=settings,
            clock=clock,
            **kwargs,
        )

    return one_pass
