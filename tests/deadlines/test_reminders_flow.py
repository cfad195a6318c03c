"""A contract's life with an injected clock: plan, deliver once per channel, move, escalate."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.config import Settings
from app.delivery.notifiers import SIGNATURE_HEADER, verify_signature
from app.reminders.scheduler import PassReport
from tests.deadlines.conftest import HOOK_SECRET, Mailbox, Received

CONTRACT = {
    "reference": "HOST-1",
    "title": "Hosting",
    "buyer": {"name": "Department for Tests"},
    "end_date": "2028-06-30",
    "notice_period_days": 90,
}


def create(client: TestClient, headers: dict[str, str], **terms: Any) -> dict[str, Any]:
    res = client.post("/api/contracts", json={**CONTRACT, **terms}, headers=headers)
    assert res.status_code == 201, res.text
    contract: dict[str, Any] = res.json()
    return contract


def deadline_of(
    client: TestClient, headers: dict[str, str], contract_id: int, kind: str
) -> dict[str, Any]:
    items: list[dict[str, Any]] = client.get(
        "/api/deadlines", params={"contract_id": contract_id, "kind": kind}, headers=headers
    ).json()["items"]
    assert len(items) == 1, items
    return items[0]


def reminders(
    client: TestClient, headers: dict[str, str], **params: str | int
) -> list[dict[str, Any]]:
    res = client.get("/api/reminders", params={"limit": 500, **params}, headers=headers)
    assert res.status_code == 200, res.text
    items: list[dict[str, Any]] = res.json()["items"]
    return items


def test_deadlines_are_computed_and_listed(client: TestClient, pm: dict[str, str]) -> None:
    contract = create(client, pm)
    kinds = {d["kind"]: d for d in contract["deadlines"]}
    assert kinds["notice"]["date"] == "2028-04-01"
    assert set(kinds) == {"notice", "route_decision", "hard_stop"}
    assert set(kinds["notice"]) >= {"id", "kind", "date", "contract_id", "case_id", "status"}
    assert kinds["notice"]["status"] == "pending"
    listed = client.get("/api/deadlines", params={"kind": "notice"}, headers=pm).json()
    assert [d["id"] for d in listed["items"]] == [kinds["notice"]["id"]]
    assert client.get(f"/api/contracts/{contract['id']}", headers=pm).json()["deadlines"]
    before = client.get("/api/deadlines", params={"before": "2028-01-01"}, headers=pm).json()
    assert [d["kind"] for d in before["items"]] == ["route_decision"]


def test_reminders_planned_at_policy_offsets(client: TestClient, pm: dict[str, str]) -> None:
    contract = create(client, pm)
    notice = deadline_of(client, pm, contract["id"], "notice")
    rows = reminders(client, pm, deadline_id=notice["id"], channel="email")
    assert sorted(r["offset_days"] for r in rows) == [1, 3, 7, 14, 30, 60, 90, 180, 365]
    ninety = next(r for r in rows if r["offset_days"] == 90)
    # 09:00 London on 2028-01-02 (GMT in winter); one per recipient and channel.
    assert ninety["due_at"] == "2028-01-02T09:00:00Z"
    assert ninety["recipient"] == "priya@example.gov.uk"
    assert ninety["status"] == "pending" and ninety["attempts"] == 0 and ninety["sent_at"] is None
    channels = {r["channel"] for r in reminders(client, pm, deadline_id=notice["id"])}
    assert channels == {"email", "in_app", "webhook"}


def test_due_reminders_go_out_once_per_channel(
    client: TestClient,
    pm: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
    receiver: tuple[Received, str],
) -> None:
    box, _ = mailbox
    seen, _ = receiver
    contract = create(client, pm)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    assert route["date"] == "2027-01-02"
    clock.set(datetime(2026, 12, 3, 9, tzinfo=UTC))  # the 30-day reminder's slot
    report = run()
    assert report.delivery.sent == 3  # e-mail, in-app, webhook
    assert [m["To"] for m in box.messages] == ["priya@example.gov.uk"]
    assert "route decision deadline 2027-01-02 in 30 days" in box.messages[0]["Subject"]
    [(headers, body)] = seen.requests
    assert verify_signature(HOOK_SECRET, body, headers[SIGNATURE_HEADER])
    payload = json.loads(body)["payload"]
    assert payload["deadline_id"] == route["id"] and payload["offset_days"] == 30
    notes = client.get("/api/notifications", headers=pm).json()["items"]
    assert len(notes) == 1 and notes[0]["read_at"] is None
    read = client.post(f"/api/notifications/{notes[0]['id']}/read", headers=pm)
    assert read.json()["read_at"] is not None
    assert client.get("/api/notifications?unread=true", headers=pm).json()["items"] == []

    again = run()  # a second pass sends nothing more
    assert again.delivery.claimed == 0
    assert len(box.messages) == 1 and len(seen.requests) == 1
    sent = reminders(client, pm, status="sent")
    assert len(sent) == 3 and all(r["attempts"] == 1 for r in sent)
    assert {r["sent_at"] for r in sent} == {"2026-12-03T09:00:00Z"}


def test_changed_end_date_moves_pending_and_cancels_obsolete(
    client: TestClient, pm: dict[str, str], clock: FrozenClock, run: Callable[..., PassReport]
) -> None:
    contract = create(client, pm)
    clock.set(datetime(2026, 12, 3, 9, tzinfo=UTC))
    run()
    sent_before = {r["id"] for r in reminders(client, pm, status="sent")}
    notice = deadline_of(client, pm, contract["id"], "notice")
    url = f"/api/contracts/{contract['id']}"
    res = client.patch(url, json={"end_date": "2028-09-30", "reason": "extended"}, headers=pm)
    assert res.status_code == 200, res.text
    moved = deadline_of(client, pm, contract["id"], "notice")
    assert moved["id"] == notice["id"] and moved["date"] == "2028-07-02"
    ninety = next(
        r
        for r in reminders(client, pm, deadline_id=notice["id"], channel="email")
        if r["offset_days"] == 90
    )
    assert ninety["due_at"] == "2028-04-03T08:00:00Z"  # 09:00 BST
    # Sent reminders stay sent, with their history.
    assert {r["id"] for r in reminders(client, pm, status="sent")} == sent_before

    res = client.patch(url, json={"notice_period_days": None}, headers=pm)
    assert res.status_code == 200, res.text
    assert "notice" not in {d["kind"] for d in res.json()["deadlines"]}
    superseded = client.get("/api/deadlines", params={"status": "superseded"}, headers=pm).json()[
        "items"
    ]
    assert [d["id"] for d in superseded] == [notice["id"]]
    left = reminders(client, pm, deadline_id=notice["id"])
    assert left and {r["status"] for r in left} == {"cancelled"}
    events = client.get(
        "/api/audit/events", params={"contract_id": contract["id"]}, headers=pm
    ).json()["items"]
    actions = [e["action"] for e in events]
    assert actions.count("deadline.recomputed") == 3  # created, moved, removed
    assert "reminder.cancelled" in actions
    recomputed = [e for e in events if e["action"] == "deadline.recomputed"]
    moves = {m["key"]: m for m in recomputed[1]["details"]["moved"]}
    assert moves["notice"]["before"] == "2028-04-01" and moves["notice"]["after"] == "2028-07-02"
    assert recomputed[2]["details"]["superseded"][0]["kind"] == "notice"


def test_missed_deadline_escalates_daily_until_waived(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, _ = mailbox
    contract = create(client, pm)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    day_after = datetime(2027, 1, 3, 9, tzinfo=UTC)
    clock.set(day_after)
    report = run()
    assert report.missed == 1 and report.escalated == 1
    assert deadline_of(client, pm, contract["id"], "route_decision")["status"] == "missed"
    escalations = reminders(client, pm, deadline_id=route["id"], status="sent")
    escalations = [r for r in escalations if r["offset_days"] < 0]
    assert {r["offset_days"] for r in escalations} == {-1}
    assert {r["recipient"] for r in escalations if r["channel"] == "email"} == {
        "sam@example.gov.uk",
        "priya@example.gov.uk",
    }
    assert any(
        "ESCALATION" in m["Subject"] and m["To"] == "sam@example.gov.uk" for m in box.messages
    )
    assert run().escalated == 0  # once a day
    clock.advance(days=1)
    assert run().escalated == 1
    offsets = {r["offset_days"] for r in reminders(client, pm, deadline_id=route["id"])}
    assert {-1, -2} <= offsets

    denied = client.post(f"/api/deadlines/{route['id']}/waive", json={"reason": "x"})
    assert denied.status_code == 401
    missing = client.post(f"/api/deadlines/{route['id']}/waive", json={}, headers=sro)
    assert missing.status_code == 422
    res = client.post(
        f"/api/deadlines/{route['id']}/waive",
        json={"reason": "Routes chosen at the December board", "evidence": [{"title": "minutes"}]},
        headers=sro,
    )
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "waived" and res.json()["resolved_by"] == "sam"
    clock.advance(days=1)
    assert run().escalated == 0
    events = client.get("/api/audit/events", params={"action": "deadline.waived"}, headers=pm)
    [waived] = events.json()["items"]
    assert waived["actor"] == "sam" and waived["reason"] == "Routes chosen at the December board"
    again = client.post(f"/api/deadlines/{route['id']}/waive", json={"reason": "y"}, headers=sro)
    assert again.status_code == 409


def test_mark_met_stops_reminders(
    client: TestClient, pm: dict[str, str], viewer: dict[str, str]
) -> None:
    contract = create(client, pm)
    notice = deadline_of(client, pm, contract["id"], "notice")
    url = f"/api/deadlines/{notice['id']}/met"
    assert client.post(url, json={"reason": "served"}, headers=viewer).status_code == 403
    res = client.post(url, json={"reason": "Notice served by letter"}, headers=pm)
    assert res.status_code == 200 and res.json()["status"] == "met"
    assert {r["status"] for r in reminders(client, pm, deadline_id=notice["id"])} == {"cancelled"}
    assert client.get("/api/deadlines/999999", headers=pm).status_code == 404


def test_deadline_listing_pages(client: TestClient, pm: dict[str, str]) -> None:
    create(client, pm)
    first = client.get("/api/deadlines", params={"limit": 2}, headers=pm).json()
    assert len(first["items"]) == 2 and first["next"]
    rest = client.get("/api/deadlines", params={"limit": 2, "cursor": first["next"]}, headers=pm)
    assert len(rest.json()["items"]) == 1 and rest.json()["next"] is None
    dates = [date.fromisoformat(d["date"]) for d in first["items"] + rest.json()["items"]]
    assert dates == sorted(dates)
    assert dates[0] - timedelta(days=1) < dates[-1]


def test_an_ended_contract_keeps_its_past_deadlines_as_history(
    client: TestClient, pm: dict[str, str]
) -> None:
    """An imported contract that ended years ago must not flood the SRO with escalations."""
    res = client.post(
        "/api/contracts",
        json={
            "reference": "OLD-1",
            "title": "Expired hosting",
            "buyer": {"name": "Home Office"},
            "start_date": "2018-01-01",
            "end_date": "2021-12-31",
            "notice_period_days": 90,
        },
        headers=pm,
    )
    assert res.status_code == 201
    statuses = {d["kind"]: d["status"] for d in res.json()["deadlines"]}
    assert statuses["notice"] == "lapsed" and statuses["hard_stop"] == "lapsed"
    reminders = client.get("/api/reminders", params={"contract_id": res.json()["id"]}, headers=pm)
    assert reminders.json()["items"] == []
    # A running contract whose notice date has already passed is a real alarm.
    res = client.post(
        "/api/contracts",
        json={
            "reference": "LATE-1",
            "title": "Network",
            "buyer": {"name": "Home Office"},
            "start_date": "2020-01-01",
            "end_date": "2026-12-31",
            "notice_period_days": 60,
        },
        headers=pm,
    )
    statuses = {d["kind"]: d["status"] for d in res.json()["deadlines"]}
    assert statuses["notice"] == "missed" and statuses["hard_stop"] == "pending"


def test_route_lead_times_are_configurable(
    client: TestClient, pm: dict[str, str], settings: Settings
) -> None:
    body = {
        "reference": "LT-1",
        "title": "Hosting",
        "buyer": {"name": "Home Office"},
        "start_date": "2024-01-01",
        "end_date": "2030-12-31",
        "notice_period_days": 90,
    }
    first = client.post("/api/contracts", json=body, headers=pm).json()
    settings.route_lead_days = {"build_in_house": 700}
    second = client.post("/api/contracts", json={**body, "reference": "LT-2"}, headers=pm).json()

    def decision(contract: dict[str, Any]) -> str:
        due: str = next(d["date"] for d in contract["deadlines"] if d["kind"] == "route_decision")
        return due

    # 700 days for the slowest route instead of 365: the decision is due 335 days earlier.
    from datetime import date

    gap = date.fromisoformat(decision(first)) - date.fromisoformat(decision(second))
    assert gap.days == 335
