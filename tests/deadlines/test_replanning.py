"""Replanning against delivery: moved deadlines get fresh reminders; cancelled stay unsent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.deadlines.service import (
    case_route_decision,
    configured_lead_times,
    sync_case_deadlines,
)
from app.delivery.channels import Channels
from app.delivery.notifiers import Notification, RecordingNotifier
from app.reminders.scheduler import PassReport
from tests.deadlines.test_reminders_flow import create, deadline_of, reminders

SLOT = datetime(2026, 12, 3, 9, tzinfo=UTC)  # the route decision's 30-day reminder
LONG_RUNWAY = [1, 3, 7, 14, 30, 60, 90, 180, 365]


class Hooked(RecordingNotifier):
    """Records messages and runs `during` (once) while the first one is being sent."""

    def __init__(self, during: Callable[[], None]) -> None:
        super().__init__()
        self.during: Callable[[], None] | None = during

    def send(self, message: Notification) -> None:
        """Run the hook mid-send, then record the message."""
        hook, self.during = self.during, None
        if hook is not None:
            hook()
        super().send(message)


def test_extension_gives_the_moved_notice_deadline_fresh_reminders(
    client: TestClient, pm: dict[str, str], clock: FrozenClock, run: Callable[..., PassReport]
) -> None:
    contract = create(client, pm)
    notice = deadline_of(client, pm, contract["id"], "notice")
    assert notice["date"] == "2028-04-01"
    clock.set(datetime(2028, 3, 31, 9, tzinfo=UTC))  # every offset of the old date is due
    run()
    old = reminders(client, pm, deadline_id=notice["id"], channel="email")
    assert sorted(r["offset_days"] for r in old if r["status"] == "sent") == LONG_RUNWAY

    res = client.patch(
        f"/api/contracts/{contract['id']}",
        json={"end_date": "2029-06-30", "reason": "extension option 1 taken"},
        headers=pm,
    )
    assert res.status_code == 200, res.text
    moved = deadline_of(client, pm, contract["id"], "notice")
    assert moved["id"] == notice["id"] and moved["date"] == "2029-04-01"
    rows = reminders(client, pm, deadline_id=notice["id"], channel="email")
    pending = [r for r in rows if r["status"] == "pending"]
    assert sorted(r["offset_days"] for r in pending) == LONG_RUNWAY
    assert min(r["due_at"] for r in pending) == "2028-04-01T08:00:00Z"  # 365 days, 09:00 BST
    # The old date's reminders stay sent: history is kept.
    assert sorted(r["offset_days"] for r in rows if r["status"] == "sent") == LONG_RUNWAY

    clock.set(datetime(2028, 4, 1, 8, tzinfo=UTC))
    hooks = RecordingNotifier()
    run(channels=Channels(webhook=hooks))
    [message] = [m for m in hooks.sent if m.payload["deadline_id"] == notice["id"]]
    assert message.payload["date"] == "2029-04-01" and message.payload["offset_days"] == 365
    assert "@2029-04-01:" in message.idempotency_key  # receivers see a new key, not a replay


def test_reminder_cancelled_while_being_sent_is_not_marked_sent(
    client: TestClient, pm: dict[str, str], clock: FrozenClock, run: Callable[..., PassReport]
) -> None:
    contract = create(client, pm)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    clock.set(SLOT)

    def meet() -> None:
        url = f"/api/deadlines/{route['id']}/met"
        assert client.post(url, json={"reason": "routes chosen"}, headers=pm).status_code == 200

    hooks = Hooked(meet)
    report = run(channels=Channels(webhook=hooks))
    assert len(hooks.sent) == 1  # it did go out: the deadline was met during the send
    assert report.delivery.lost >= 1  # whatever else was claimed was cancelled too
    rows = reminders(client, pm, deadline_id=route["id"])
    [hook] = [r for r in rows if r["channel"] == "webhook" and r["offset_days"] == 30]
    assert hook["status"] == "cancelled" and hook["sent_at"] == SLOT.isoformat().replace(
        "+00:00", "Z"
    )


NOTICE_365 = datetime(2027, 4, 2, 8, tzinfo=UTC)  # the notice's 365-day reminder (BST)


def notice_hooks(*sinks: RecordingNotifier, deadline_id: int) -> list[Notification]:
    """The notice deadline's webhook messages across runners."""
    return [m for s in sinks for m in s.sent if m.payload["deadline_id"] == deadline_id]


def test_replan_does_not_hand_an_in_flight_reminder_to_another_runner(
    client: TestClient, pm: dict[str, str], clock: FrozenClock, run: Callable[..., PassReport]
) -> None:
    contract = create(client, pm)
    notice = deadline_of(client, pm, contract["id"], "notice")
    url = f"/api/contracts/{contract['id']}"
    clock.set(NOTICE_365)
    second = RecordingNotifier()

    def flip_terms_and_race() -> None:
        # Dropping the notice period cancels the claimed reminder; restoring revives it.
        for days in (None, 90):
            res = client.patch(url, json={"notice_period_days": days}, headers=pm)
            assert res.status_code == 200, res.text
        run(channels=Channels(webhook=second))  # another runner, while the first is sending

    first = Hooked(flip_terms_and_race)
    run(channels=Channels(webhook=first))
    assert len(notice_hooks(first, second, deadline_id=notice["id"])) == 1
    rows = reminders(client, pm, deadline_id=notice["id"], channel="webhook")
    [hook] = [r for r in rows if r["offset_days"] == 365]
    assert hook["status"] == "sent" and hook["attempts"] == 1


def test_moving_back_never_resends_what_went_out_after_cancellation(
    client: TestClient, pm: dict[str, str], clock: FrozenClock, run: Callable[..., PassReport]
) -> None:
    contract = create(client, pm)
    notice = deadline_of(client, pm, contract["id"], "notice")
    url = f"/api/contracts/{contract['id']}"
    clock.set(NOTICE_365)

    def drop_notice() -> None:
        assert client.patch(url, json={"notice_period_days": None}, headers=pm).status_code == 200

    first = Hooked(drop_notice)
    run(channels=Channels(webhook=first))
    clock.advance(minutes=10)  # the first runner's lease is long gone
    assert client.patch(url, json={"notice_period_days": 90}, headers=pm).status_code == 200
    later = RecordingNotifier()
    run(channels=Channels(webhook=later))
    assert len(notice_hooks(first, later, deadline_id=notice["id"])) == 1


def case_deadlines(
    client: TestClient, headers: dict[str, str], case_id: int
) -> list[dict[str, Any]]:
    """A case's deadlines through the API."""
    res = client.get("/api/deadlines", params={"case_id": case_id}, headers=headers)
    assert res.status_code == 200, res.text
    items: list[dict[str, Any]] = res.json()["items"]
    return items


def test_contract_change_moves_its_cases_route_decisions(
    client: TestClient,
    pm: dict[str, str],
    db: sessionmaker[Session],
    settings: Settings,
    clock: FrozenClock,
) -> None:
    contract = create(client, pm)
    with db.begin() as s:  # what the case service does when a component's route is chosen
        spec = case_route_decision(
            session=s,
            contract_id=contract["id"],
            route="buy_commodity",
            lead_times=configured_lead_times(settings),
        )
        assert spec is not None
        sync_case_deadlines(
            session=s,
            case_id=4242,
            contract_id=contract["id"],
            specs=[spec],
            now=clock.now(),
            settings=settings,
            kinds=["route_decision"],
        )
    [before] = case_deadlines(client, pm, 4242)
    res = client.patch(
        f"/api/contracts/{contract['id']}", json={"end_date": "2028-09-30"}, headers=pm
    )
    assert res.status_code == 200, res.text
    [after] = case_deadlines(client, pm, 4242)
    assert after["id"] == before["id"] and after["status"] == "pending"
    gap = date.fromisoformat(after["date"]) - date.fromisoformat(before["date"])
    assert gap.days == 92  # the end date moved three months
    due = {
        r["due_at"][:10] for r in reminders(client, pm, deadline_id=after["id"], status="pending")
    }
    assert str(date.fromisoformat(after["date"]) - timedelta(days=30)) in due


def test_waived_deadline_reopens_when_its_date_moves_and_met_stays_met(
    client: TestClient, pm: dict[str, str], sro: dict[str, str]
) -> None:
    contract = create(client, pm, max_end_date="2030-06-30")
    notice = deadline_of(client, pm, contract["id"], "notice")
    route = deadline_of(client, pm, contract["id"], "route_decision")
    waived = client.post(
        f"/api/deadlines/{notice['id']}/waive", json={"reason": "extending"}, headers=sro
    )
    assert waived.status_code == 200, waived.text
    met = client.post(f"/api/deadlines/{route['id']}/met", json={"reason": "chosen"}, headers=pm)
    assert met.status_code == 200, met.text
    res = client.patch(
        f"/api/contracts/{contract['id']}",
        json={"end_date": "2029-06-30", "reason": "extension taken"},
        headers=pm,
    )
    assert res.status_code == 200, res.text
    reopened = client.get(f"/api/deadlines/{notice['id']}", headers=pm).json()
    assert reopened["status"] == "pending" and reopened["date"] == "2029-04-01"
    assert reopened["resolved_by"] is None
    pending = reminders(client, pm, deadline_id=notice["id"], status="pending", channel="email")
    assert sorted(r["offset_days"] for r in pending) == LONG_RUNWAY
    kept = client.get(f"/api/deadlines/{route['id']}", headers=pm).json()
    assert kept["status"] == "met" and kept["date"] == route["date"]
    events = client.get(
        "/api/audit/events",
        params={"contract_id": contract["id"], "action": "deadline.recomputed"},
        headers=pm,
    ).json()["items"]
    details = events[-1]["details"]
    assert details["reopened"][0]["waiver"] == "extending"
    assert details["kept"][0]["id"] == route["id"]
