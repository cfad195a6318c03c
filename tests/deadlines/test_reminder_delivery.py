"""Reminder delivery retries and failures: backoff, SMTP down or refusing, requeueing a failure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.config import Settings
from app.delivery.notifiers import MAX_ATTEMPTS
from app.main import create_app
from app.reminders.scheduler import PassReport, run_pass
from tests.deadlines.conftest import Mailbox, Received
from tests.deadlines.delivery import SLOT, requeue_cli
from tests.deadlines.test_reminders_flow import create, deadline_of, reminders


def test_webhook_500_retried_with_backoff_then_failed(
    client: TestClient,
    pm: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    receiver: tuple[Received, str],
) -> None:
    seen, _ = receiver
    seen.status = 500
    contract = create(client, pm)
    clock.set(SLOT)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        run()
        rows = reminders(client, pm, deadline_id=route["id"], channel="webhook")
        [hook] = [r for r in rows if r["offset_days"] == 30]
        assert hook["status"] == ("failed" if attempt == MAX_ATTEMPTS else "pending")
        assert hook["attempts"] == attempt
        assert "HTTP 500" in hook["last_error"]
        if attempt < MAX_ATTEMPTS:
            retry = datetime.fromisoformat(hook["next_attempt_at"])
            assert retry > clock.now()
            assert run().delivery.claimed == 0  # not before the backoff
            clock.set(retry)
    assert len(seen.requests) == MAX_ATTEMPTS
    failed = reminders(client, pm, status="failed")
    assert [r["channel"] for r in failed] == ["webhook"]
    # The other channels were unaffected by the webhook's failures.
    assert {r["channel"] for r in reminders(client, pm, status="sent")} == {"email", "in_app"}


def test_smtp_down_is_retried(
    db_url: str,
    clock: FrozenClock,
    make_user: Callable[..., dict[str, str]],
    mailbox: tuple[Mailbox, int],
) -> None:
    settings = Settings(
        database_url=db_url,
        environment="test",
        scheduler_enabled=False,
        smtp_host="127.0.0.1",
        smtp_port=1,
    )  # nothing listens on port 1
    app = create_app(settings, clock)
    with TestClient(app) as client:
        pm = make_user("pat", "programme_manager", email="pat@example.gov.uk")
        create(client, pm)
        clock.set(SLOT)
        report = run_pass(sessions=app.state.sessionmaker, settings=settings, clock=clock)
        assert report.delivery.retrying == 1 and report.delivery.sent == 1  # in-app still sent
        [email] = reminders(client, pm, channel="email", status="pending", limit=1)
        assert email["attempts"] == 1 and "SMTP" in email["last_error"]


def test_smtp_5xx_fails_visibly_and_can_be_requeued(
    client: TestClient,
    pm: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
    db_url: str,
) -> None:
    box, _ = mailbox
    box.refuse_with = "550 5.1.1 Mailbox unknown"
    contract = create(client, pm)
    clock.set(SLOT)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    assert run().delivery.failed == 1  # permanent: no retries against a 5xx
    [email] = reminders(client, pm, status="failed", channel="email")
    assert email["deadline_id"] == route["id"] and email["attempts"] == 1
    assert "550" in email["last_error"] and "Mailbox unknown" in email["last_error"]

    box.refuse_with = None  # the address was fixed at the relay
    assert requeue_cli(db_url).startswith(f"requeued=1 {email['id']}")
    [again] = [r for r in reminders(client, pm, channel="email") if r["id"] == email["id"]]
    assert again["status"] == "pending" and again["attempts"] == 0
    # The CLI ran on the real clock: the requeued row is due from the real now on.
    clock.set(max(clock.now(), datetime.now(UTC)))
    assert run().delivery.sent == 1
    assert [m["To"] for m in box.messages] == ["priya@example.gov.uk"]
    assert requeue_cli(db_url).startswith("requeued=0")  # nothing failed any more
    events = client.get("/api/audit/events", params={"action": "reminder.requeued"}, headers=pm)
    assert events.json()["items"][0]["details"]["reminder_ids"] == [email["id"]]


def test_failed_reminder_requeued_over_the_api(
    client: TestClient,
    pm: dict[str, str],
    viewer: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, _ = mailbox
    box.refuse_with = "554 5.7.1 Relay denied"
    create(client, pm)
    clock.set(SLOT)
    run()
    [email] = reminders(client, pm, status="failed", channel="email")
    url = f"/api/reminders/{email['id']}/requeue"
    assert client.post(url, headers=viewer).status_code == 403
    assert client.post("/api/reminders/999999/requeue", headers=pm).status_code == 404
    box.refuse_with = None
    res = client.post(url, headers=pm)
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "pending" and res.json()["attempts"] == 0
    again = client.post(url, headers=pm)
    assert again.status_code == 409 and again.json()["error"] == "invalid_state"
    assert run().delivery.sent == 1 and len(box.messages) == 1
