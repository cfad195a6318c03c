"""Delivery channels: e-mail over SMTP and signed webhooks, plus retry timing.

Every notifier has ``send(message) -> None`` and raises ``DeliveryError`` with
``retryable`` telling the caller whether trying again later can help. Notifiers never
retry themselves: the scheduler owns attempts (``retry_at``) so a batch is never held up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl as ssl_module
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Protocol

import httpx

from app.clock import Clock, SystemClock

MAX_ATTEMPTS = 5
_BACKOFF_FIRST = timedelta(minutes=1)
_BACKOFF_FACTOR = 5
_BACKOFF_CAP = timedelta(hours=6)
SIGNATURE_HEADER = "X-Handover-Signature"
TIMESTAMP_HEADER = "X-Handover-Timestamp"
KEY_HEADER = "X-Handover-Key"


class DeliveryError(Exception):
    """A notification was not delivered; `retryable` says whether a later attempt may work."""

    def __init__(
        self, message: str, *, retryable: bool, retry_after: timedelta | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class Notification:
    """One message to one recipient (e-mail address, URL or user name) on one channel."""

    subject: str
    body: str
    recipient: str
    idempotency_key: str
    payload: dict[str, Any] = field(default_factory=dict)


class Notifier(Protocol):
    """A delivery channel."""

    def send(self, message: Notification) -> None:
        """Deliver the message or raise DeliveryError."""
        ...


def backoff_delay(attempt: int) -> timedelta:
    """Wait after the attempt-th failure: 1 min, 5 min, 25 min, … capped at 6 hours."""
    if attempt < 1:
        raise ValueError("attempt counts failures so far and starts at 1")
    # Bound the exponent before multiplying so huge attempt numbers cannot overflow.
    multiplier: int = _BACKOFF_FACTOR ** min(attempt - 1, 10)
    return min(_BACKOFF_FIRST * multiplier, _BACKOFF_CAP)


def retry_at(
    error: DeliveryError, *, attempts: int, now: datetime, max_attempts: int = MAX_ATTEMPTS
) -> datetime | None:
    """When to try again after `attempts` failed attempts, or None to give up (failed)."""
    if not error.retryable or attempts >= max_attempts:
        return None
    delay = backoff_delay(attempts)
    if error.retry_after is not None:
        delay = max(delay, error.retry_after)  # respect the receiver's Retry-After
    return now + delay


def message_id_for(idempotency_key: str, domain: str) -> str:
    """A Message-ID derived from the idempotency key, so a resend is recognisably the same."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


class SmtpNotifier:
    """Sends e-mail through an SMTP relay (plain, STARTTLS or implicit TLS)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        starttls: bool = False,
        ssl: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        ssl_context: ssl_module.SSLContext | None = None,
        clock: Clock | None = None,
    ) -> None:
        if starttls and ssl:
            raise ValueError("choose starttls (upgrade) or ssl (implicit TLS), not both")
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.ssl, self.timeout = starttls, ssl, timeout
        self.username, self.password = username, password
        self.ssl_context = ssl_context or ssl_module.create_default_context()
        self.clock: Clock = clock or SystemClock()

    def build(self, message: Notification) -> EmailMessage:
        """The e-mail for a notification (ValueError on header injection or a bad address)."""
        if "@" not in message.recipient:
            raise ValueError(f"not an e-mail address: {message.recipient!r}")
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Date"] = format_datetime(self.clock.now())
        email["Message-ID"] = message_id_for(message.idempotency_key, _domain(self.sender))
        email[KEY_HEADER] = message.idempotency_key
        email.set_content(message.body)
        return email

    def send(self, message: Notification) -> None:
        """Deliver the e-mail or raise DeliveryError."""
        try:
            email = self.build(message)
        except ValueError as exc:
            raise DeliveryError(f"cannot build e-mail: {exc}", retryable=False) from exc
        try:
            with self._connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=self.ssl_context)
                if self.username is not None:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"recipient refused: {exc.recipients}", retryable=any(400 <= c < 500 for c in codes)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # SMTP's own convention: 5xx is permanent; 4xx is transient, and so is a reply
            # smtplib could not read a code from (-1). Failed rows can be requeued.
            raise DeliveryError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}",
                retryable=not 500 <= exc.smtp_code < 600,
            ) from exc
        except smtplib.SMTPServerDisconnected as exc:
            raise DeliveryError(f"SMTP server disconnected: {exc}", retryable=True) from exc
        except smtplib.SMTPException as exc:
            # E.g. STARTTLS or AUTH not offered: configuration, not a passing fault.
            raise DeliveryError(f"SMTP error: {exc}", retryable=False) from exc
        except OSError as exc:  # refused, unreachable, timed out, TLS handshake failed
            raise DeliveryError(f"cannot reach SMTP server: {exc}", retryable=True) from exc

    def _connect(self) -> smtplib.SMTP:
        if self.ssl:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.ssl_context
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


def _domain(address: str) -> str:
    domain = address.rpartition("@")[2].strip(" >")
    return domain or "handover.invalid"


def sign(secret: str | bytes, body: bytes) -> str:
    """The X-Handover-Signature value for a body: sha256=<hex HMAC-SHA256>."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """Whether a webhook's signature header matches its exact body (constant-time)."""
    if not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"), header.strip().encode("ascii"))


def webhook_body(message: Notification) -> bytes:
    """The exact JSON bytes posted for a notification: sorted keys, no spaces, UTF-8."""
    document = {
        "idempotency_key": message.idempotency_key,
        "recipient": message.recipient,
        "subject": message.subject,
        "body": message.body,
        "payload": message.payload,
    }
    text = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


class WebhookNotifier:
    """POSTs signed JSON to one endpoint; the secret is shared with that endpoint only."""

    def __init__(
        self, url: str, secret: str | bytes, timeout: float = 10.0, *, clock: Clock | None = None
    ) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout
        self.clock: Clock = clock or SystemClock()

    def send(self, message: Notification) -> None:
        """POST the notification or raise DeliveryError."""
        try:
            body = webhook_body(message)
        except (TypeError, ValueError) as exc:
            raise DeliveryError(f"payload is not JSON: {exc}", retryable=False) from exc
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.idempotency_key,
            SIGNATURE_HEADER: sign(self.secret, body),
            TIMESTAMP_HEADER: self.clock.now().isoformat(),
        }
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
                response = client.post(self.url, content=body, headers=headers)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise DeliveryError(f"bad webhook URL {self.url!r}: {exc}", retryable=False) from exc
        except httpx.TransportError as exc:  # timeouts, refused connections, broken responses
            raise DeliveryError(f"webhook unreachable: {exc!r}", retryable=True) from exc
        _raise_for_status(response)


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    # 408 and 429 ask us to come back later; other 4xx (and redirects, which we do not
    # follow because the signature is for one endpoint) will fail the same way again.
    retryable = status >= 500 or status in (408, 429)
    raise DeliveryError(
        f"webhook answered HTTP {status}",
        retryable=retryable,
        retry_after=_retry_after(response) if retryable else None,
    )


def _retry_after(response: httpx.Response) -> timedelta | None:
    value = response.headers.get("Retry-After", "").strip()
    # Only the delta-seconds form: the HTTP-date form would need the receiver's clock.
    return timedelta(seconds=int(value)) if value.isdigit() else None


class RecordingNotifier:
    """Keeps messages in memory instead of sending them (tests, demos); can be made to fail."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []
        self.fail_with: DeliveryError | None = None

    def send(self, message: Notification) -> None:
        """Record the message, or raise `fail_with` when set."""
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)
