"""Reminders name people's e-mail addresses and the webhook URL: only some may see them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.reminders.scheduler import PassReport
from tests.deadlines.conftest import Mailbox, Received
from tests.deadlines.test_reminders_flow import create, deadline_of

ROUTE_SLOT = datetime(2026, 12, 3, 9, tzinfo=UTC)  # the route decision's 30-day reminder


def listed(
    client: TestClient, headers: dict[str, str], **params: str | int
) -> list[dict[str, Any]]:
    res = client.get("/api/reminders", params={"limit": 500, **params}, headers=headers)
    assert res.status_code == 200, res.text
    items: list[dict[str, Any]] = res.json()["items"]
    return items


def test_only_overseers_see_everyone_s_reminders(
    client: TestClient,
    pm: dict[str, str],
    viewer: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    receiver: tuple[Received, str],
) -> None:
    _, hook_url = receiver
    colin = make_user("colin", "contract_manager", email="colin@example.gov.uk")
    ada = make_user("ada", "admin")
    create(client, pm)
    assert listed(client, viewer) == []
    res = client.get("/api/reminders", params={"limit": 500}, headers=viewer)
    assert "priya@" not in res.text and "127.0.0.1" not in res.text
    mine = listed(client, colin)
    assert mine and {r["recipient"] for r in mine} == {"colin@example.gov.uk", "colin"}
    everyone = listed(client, pm)
    recipients = {r["recipient"] for r in everyone}
    assert {"priya@example.gov.uk", "colin@example.gov.uk", "priya", "colin"} < recipients
    # The webhook URL may carry a secret: programme managers see only where it goes.
    assert hook_url not in recipients and hook_url.removesuffix("/hook") in recipients
    assert hook_url in {r["recipient"] for r in listed(client, ada)}


def test_in_app_notifications_are_the_caller_s_own(
    client: TestClient,
    pm: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    clock: FrozenClock,
    run: Callable[..., PassReport],
) -> None:
    colin = make_user("colin", "contract_manager", email="colin@example.gov.uk")
    create(client, pm)
    clock.set(ROUTE_SLOT)
    run()
    theirs = client.get("/api/notifications", headers=pm).json()["items"]
    mine = client.get("/api/notifications", headers=colin).json()["items"]
    assert len(theirs) == 1 and len(mine) == 1 and theirs[0]["id"] != mine[0]["id"]
    res = client.post(f"/api/notifications/{theirs[0]['id']}/read", headers=colin)
    assert res.status_code == 404
    in_app = listed(client, colin, channel="in_app", status="sent")
    assert [r["recipient"] for r in in_app] == ["colin"]


def test_requeueing_belongs_to_those_who_oversee_reminders(
    client: TestClient,
    pm: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
    receiver: tuple[Received, str],
) -> None:
    box, _ = mailbox
    hooks, _ = receiver
    colin = make_user("colin", "contract_manager", email="colin@example.gov.uk")
    contract = create(client, pm)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    box.refuse_with = "550 5.1.1 no such mailbox"
    hooks.status = 410
    clock.set(ROUTE_SLOT)
    run()
    failed = listed(client, pm, deadline_id=route["id"], status="failed")
    by_recipient = {r["recipient"]: r["id"] for r in failed if r["channel"] == "email"}
    [hook] = [r["id"] for r in failed if r["channel"] == "webhook"]
    # A contract manager may mark the deadline met, but not requeue others' reminders.
    for other in (by_recipient["priya@example.gov.uk"], hook):
        res = client.post(f"/api/reminders/{other}/requeue", headers=colin)
        assert res.status_code == 403, res.text
        assert res.json()["error"] == "role_required" and "priya" not in res.text
    own = client.post(
        f"/api/reminders/{by_recipient['colin@example.gov.uk']}/requeue", headers=colin
    )
    assert own.status_code == 200, own.text
    assert own.json()["status"] == "pending"
    res = client.post(f"/api/reminders/{hook}/requeue", headers=pm)
    assert res.status_code == 200, res.text


def test_the_audit_trail_names_who_was_escalated_to_without_addresses(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    viewer: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    receiver: tuple[Received, str],
) -> None:
    _, hook_url = receiver
    create(client, pm)
    clock.set(datetime(2027, 1, 3, 10, tzinfo=UTC))  # the day after the route decision
    assert run().escalated >= 1
    res = client.get("/api/audit/events", params={"action": "deadline.escalated"}, headers=viewer)
    assert res.status_code == 200, res.text
    [event] = res.json()["items"]
    assert event["details"]["recipients"] == ["priya", "sam"]
    assert event["details"]["channels"] == ["email", "in_app", "webhook"]
    assert "@" not in res.text and hook_url not in res.text
