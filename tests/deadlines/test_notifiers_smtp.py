"""SmtpNotifier against a real aiosmtpd server on 127.0.0.1."""

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope

from app.clock import FrozenClock
from app.delivery.notifiers import DeliveryError, Notification, SmtpNotifier, message_id_for

NOW = datetime(2027, 1, 14, 9, tzinfo=UTC)


def free_port() -> int:
    # aiosmtpd's Controller probes its own port after starting, so port 0 will not do.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Mailbox:
    """An aiosmtpd handler that stores what it receives and can refuse recipients."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse_with: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse_with is not None:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def accept_only_right_password(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = auth_data.login == b"handover" and auth_data.password == b"right"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=accept_only_right_password,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def notifier(port: int, **kwargs: Any) -> SmtpNotifier:
    return SmtpNotifier(
        "127.0.0.1",
        port,
        sender="handover@exit.example.gov.uk",
        timeout=2.0,
        clock=FrozenClock(NOW),
        **kwargs,
    )


MESSAGE = Notification(
    subject="Notice deadline in 1 day: Hosting contract",
    body="Serve notice by 2027-01-15 or the contract may run on to 2029-03-31.",
    recipient="Jo.Bloggs@example.gov.uk",
    idempotency_key="reminder:42:1:email:jo.bloggs@example.gov.uk",
    payload={"deadline_id": 42},
)


def test_delivers_with_idempotency_headers(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    notifier(port).send(MESSAGE)
    [(mail_from, rcpt_tos, email)] = box.messages
    assert mail_from == "handover@exit.example.gov.uk"
    assert rcpt_tos == ["Jo.Bloggs@example.gov.uk"]
    assert email["Subject"] == MESSAGE.subject
    assert email["X-Handover-Key"] == MESSAGE.idempotency_key
    assert email["Message-ID"] == message_id_for(MESSAGE.idempotency_key, "exit.example.gov.uk")
    assert email["Date"] == "Thu, 14 Jan 2027 09:00:00 +0000"
    assert "2029-03-31" in email.get_content()


def test_message_id_is_stable_per_key() -> None:
    first = message_id_for("reminder:1:7:email:a@x.uk", "x.uk")
    assert first == message_id_for("reminder:1:7:email:a@x.uk", "x.uk")
    assert first != message_id_for("reminder:1:1:email:a@x.uk", "x.uk")
    assert first.startswith("<") and first.endswith("@x.uk>")


def test_login_then_deliver(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    notifier(port, username="handover", password="right").send(MESSAGE)
    assert len(box.messages) == 1


def test_wrong_password_is_permanent(mailbox: tuple[Mailbox, int]) -> None:
    _, port = mailbox
    with pytest.raises(DeliveryError) as caught:
        notifier(port, username="handover", password="wrong").send(MESSAGE)
    assert caught.value.retryable is False


def test_permanently_refused_recipient(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.refuse_with = "550 5.1.1 No such user"
    with pytest.raises(DeliveryError) as caught:
        notifier(port).send(MESSAGE)
    assert caught.value.retryable is False


def test_temporarily_refused_recipient(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.refuse_with = "451 4.3.0 Try again later"
    with pytest.raises(DeliveryError) as caught:
        notifier(port).send(MESSAGE)
    assert caught.value.retryable is True


def test_closed_port_is_retryable() -> None:
    with pytest.raises(DeliveryError) as caught:
        notifier(free_port()).send(MESSAGE)
    assert caught.value.retryable is True


def test_silent_server_times_out_as_retryable() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts at kernel level but never sends the 220 greeting
        quick = SmtpNotifier("127.0.0.1", silent.getsockname()[1], sender="h@x.uk", timeout=0.2)
        with pytest.raises(DeliveryError) as caught:
            quick.send(MESSAGE)
    assert caught.value.retryable is True


def greet_once(listener: socket.socket, line: bytes) -> None:
    """Accept one connection, greet it with `line`, read until the client hangs up."""
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(5)
        conn.sendall(line)
        try:
            while conn.recv(1024):
                pass
        except OSError:
            pass


@pytest.mark.parametrize(
    ("greeting", "retryable"),
    [
        (b"421 4.3.2 Too busy, try later\r\n", True),
        (b"554 5.7.1 No SMTP service for you\r\n", False),
        (b"HTTP/1.1 400 Bad Request\r\n", True),  # no code smtplib can read: -1
    ],
)
def test_greeting_codes_decide_retry(greeting: bytes, retryable: bool) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        server = threading.Thread(target=greet_once, args=(listener, greeting))
        server.start()
        try:
            with pytest.raises(DeliveryError) as caught:
                notifier(listener.getsockname()[1]).send(MESSAGE)
        finally:
            server.join(10)
    assert caught.value.retryable is retryable, caught.value.message


@pytest.mark.parametrize(
    "bad",
    [
        Notification("Hi\r\nBcc: everyone@x.uk", "body", "a@x.uk", "k"),
        Notification("Hi", "body", "not-an-address", "k"),
    ],
)
def test_unbuildable_messages_are_permanent(bad: Notification) -> None:
    with pytest.raises(DeliveryError) as caught:
        notifier(free_port()).send(bad)
    assert caught.value.retryable is False


def test_starttls_and_ssl_are_exclusive() -> None:
    with pytest.raises(ValueError):
        SmtpNotifier("h", 25, sender="a@x.uk", starttls=True, ssl=True)
