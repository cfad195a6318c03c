"""Enqueueing outbox messages inside the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.outbox.models import OutboxMessage


def enqueue(
    *,
    session: Session,
    topic: str,
    payload: dict[str, Any],
    now: datetime,
    settings: Settings,
    channel: str = "webhook",
    recipient: str | None = None,
    subject: str | None = None,
    body: str = "",
    key: str | None = None,
) -> OutboxMessage | None:
    """Write a message to send after commit; None when its channel is not configured.

    For the webhook channel the recipient defaults to the configured webhook URL; `key`
    (default: a fresh UUID) is the idempotency key receivers see, so pass a stable one
    (e.g. f"case.transitioned:{event_id}") when the same event might be enqueued twice.
    """
    if channel == "webhook":
        recipient = recipient or settings.webhook_url
    elif channel == "email" and not settings.smtp_host:
        return None
    if not recipient:
        return None
    message = OutboxMessage(
        topic=topic,
        channel=channel,
        recipient=recipient,
        subject=subject or topic,
        body=body,
        payload=payload,
        idempotency_key=key or f"{topic}:{uuid.uuid4()}",
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message
