"""WebhookNotifier against a real HTTP receiver on 127.0.0.1, plus retry timing."""

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.clock import FrozenClock
from app.delivery.notifiers import (
    MAX_ATTEMPTS,
    DeliveryError,
    Notification,
    RecordingNotifier,
    WebhookNotifier,
    backoff_delay,
    retry_at,
    sign,
    verify_signature,
    webhook_body,
)

SECRET = "s3cret-shared-with-the-receiver"
NOW = datetime(2027, 1, 14, 9, tzinfo=UTC)
MESSAGE = Notification(
    subject="Notice deadline in 1 day",
    body="Serve notice by 2027-01-15 — or the contract runs on.",
    recipient="https://hooks.example.gov.uk/handover",
    idempotency_key="reminder:42:1:webhook:https://hooks.example.gov.uk/handover",
    payload={"deadline_id": 42, "kind": "notice", "date": "2027-01-15", "offset_days": 1},
)


@dataclass
class Received:
    """What the receiver saw, and what it answers next."""

    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def receiver() -> Iterator[tuple[Received, str]]:
    seen = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.requests.append((dict(self.headers.items()), body))
            self.send_response(seen.status)
            for name, value in seen.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval only makes shutdown() quick; nothing in the test waits on it.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield seen, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def notifier(url: str, timeout: float = 2.0) -> WebhookNotifier:
    return WebhookNotifier(url, SECRET, timeout, clock=FrozenClock(NOW))


def test_delivers_signed_json(receiver: tuple[Received, str]) -> None:
    seen, url = receiver
    notifier(url).send(MESSAGE)
    [(headers, body)] = seen.requests
    assert verify_signature(SECRET, body, headers["X-Handover-Signature"])
    assert headers["Idempotency-Key"] == MESSAGE.idempotency_key
    assert headers["X-Handover-Timestamp"] == "2027-01-14T09:00:00+00:00"
    assert headers["Content-Type"] == "application/json"
    assert body == webhook_body(MESSAGE)
    document = json.loads(body)
    assert document["payload"]["deadline_id"] == 42
    assert document["idempotency_key"] == MESSAGE.idempotency_key
    assert "—" in document["body"]  # UTF-8, not escaped


def test_body_is_deterministic() -> None:
    reordered = Notification(
        MESSAGE.subject,
        MESSAGE.body,
        MESSAGE.recipient,
        MESSAGE.idempotency_key,
        dict(reversed(list(MESSAGE.payload.items()))),
    )
    assert webhook_body(MESSAGE) == webhook_body(reordered)


def test_verify_signature_rejects_tampering() -> None:
    body = webhook_body(MESSAGE)
    header = sign(SECRET, body)
    assert verify_signature(SECRET.encode(), body, header)
    assert not verify_signature("other secret", body, header)
    assert not verify_signature(SECRET, body + b" ", header)
    assert not verify_signature(SECRET, body, None)
    assert not verify_signature(SECRET, body, header.removeprefix("sha256="))
    assert not verify_signature(SECRET, body, "sha256=zz")


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(500, True), (503, True), (408, True), (429, True), (400, False), (404, False), (410, False)],
)
def test_status_codes(receiver: tuple[Received, str], status: int, retryable: bool) -> None:
    seen, url = receiver
    seen.status = status
    with pytest.raises(DeliveryError) as caught:
        notifier(url).send(MESSAGE)
    assert caught.value.retryable is retryable
    assert str(status) in caught.value.message


def test_redirects_are_not_followed(receiver: tuple[Received, str]) -> None:
    seen, url = receiver
    seen.status, seen.headers = 302, {"Location": "http://127.0.0.1:9/elsewhere"}
    with pytest.raises(DeliveryError) as caught:
        notifier(url).send(MESSAGE)
    assert caught.value.retryable is False


def test_retry_after_is_passed_on(receiver: tuple[Received, str]) -> None:
    seen, url = receiver
    seen.status, seen.headers = 429, {"Retry-After": "3600"}
    with pytest.raises(DeliveryError) as caught:
        notifier(url).send(MESSAGE)
    assert caught.value.retry_after == timedelta(hours=1)
    assert retry_at(caught.value, attempts=1, now=NOW) == NOW + timedelta(hours=1)


def test_closed_port_is_retryable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeliveryError) as caught:
        notifier(f"http://127.0.0.1:{port}/hook").send(MESSAGE)
    assert caught.value.retryable is True


def test_receiver_that_never_answers_times_out_as_retryable() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel accepts the connection; nobody ever reads or replies
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/hook"
        with pytest.raises(DeliveryError) as caught:
            notifier(url, timeout=0.2).send(MESSAGE)
    assert caught.value.retryable is True


def test_unusable_url_or_payload_is_permanent() -> None:
    with pytest.raises(DeliveryError) as caught:
        notifier("ftp://127.0.0.1/hook").send(MESSAGE)
    assert caught.value.retryable is False
    not_json = Notification("s", "b", "r", "k", {"when": datetime(2027, 1, 1)})
    with pytest.raises(DeliveryError) as caught:
        notifier("http://127.0.0.1:9/hook").send(not_json)
    assert caught.value.retryable is False


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=25),
        timedelta(minutes=125),
    ]
    assert backoff_delay(5) == timedelta(hours=6)
    assert backoff_delay(1000) == timedelta(hours=6)
    with pytest.raises(ValueError):
        backoff_delay(0)


def test_retry_at_gives_up() -> None:
    transient = DeliveryError("503", retryable=True)
    assert retry_at(transient, attempts=1, now=NOW) == NOW + timedelta(minutes=1)
    assert retry_at(transient, attempts=MAX_ATTEMPTS, now=NOW) is None
    assert retry_at(DeliveryError("400", retryable=False), attempts=1, now=NOW) is None


def test_recording_notifier() -> None:
    recorder = RecordingNotifier()
    recorder.send(MESSAGE)
    assert recorder.sent == [MESSAGE]
    recorder.fail_with = DeliveryError("down", retryable=True)
    with pytest.raises(DeliveryError):
        recorder.send(MESSAGE)
