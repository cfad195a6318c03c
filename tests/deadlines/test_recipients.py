"""Who is reminded follows the people who hold the roles now, not when the deadline was planned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.auth.models import User
from app.clock import FrozenClock
from app.reminders.scheduler import PassReport
from tests.deadlines.conftest import Mailbox
from tests.deadlines.test_reminders_flow import create, deadline_of, reminders

ROUTE_SLOT = datetime(2026, 12, 3, 9, tzinfo=UTC)  # the route decision's 30-day reminder


def pending_to(
    client: TestClient, headers: dict[str, str], deadline_id: int, channel: str = "email"
) -> set[str]:
    rows = reminders(client, headers, deadline_id=deadline_id, channel=channel, status="pending")
    return {r["recipient"] for r in rows}


def test_a_role_given_after_planning_gets_the_reminders_still_to_come(
    client: TestClient,
    pm: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, _ = mailbox
    contract = create(client, pm)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    assert pending_to(client, pm, route["id"]) == {"priya@example.gov.uk"}
    make_user("colin", "contract_manager", email="Colin@Example.gov.uk")
    report = run()
    assert report.retargeted >= 1
    assert pending_to(client, pm, route["id"]) == {"priya@example.gov.uk", "colin@example.gov.uk"}
    assert pending_to(client, pm, route["id"], "in_app") == {"priya", "colin"}
    clock.set(ROUTE_SLOT)
    run()
    assert sorted(m["To"] for m in box.messages) == [
        "colin@example.gov.uk",
        "priya@example.gov.uk",
    ]
    assert run().retargeted == 0  # an unchanged roster re-addresses nothing


def test_deactivated_or_demoted_users_stop_getting_reminders(
    client: TestClient,
    db: sessionmaker[Session],
    pm: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, _ = mailbox
    make_user("colin", "contract_manager", email="colin@example.gov.uk")
    contract = create(client, pm)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    with db.begin() as s:
        s.execute(update(User).where(User.name == "colin").values(active=False))
        s.execute(update(User).where(User.name == "priya").values(roles=["viewer"]))
    with db.begin() as s:
        s.execute(update(User).where(User.name == "priya").values(roles=["programme_manager"]))
    clock.set(ROUTE_SLOT)
    report = run()
    assert report.retargeted >= 1
    assert [m["To"] for m in box.messages] == ["priya@example.gov.uk"]
    cancelled = reminders(client, pm, deadline_id=route["id"], status="cancelled")
    assert {r["recipient"] for r in cancelled} >= {"colin@example.gov.uk", "colin"}


def test_nobody_in_the_roles_falls_back_to_the_sro_and_is_reported(
    client: TestClient,
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    run: Callable[..., PassReport],
) -> None:
    chen = make_user("chen", "commercial_lead")  # not reminded of route decisions
    contract = create(client, chen)
    route = deadline_of(client, sro, contract["id"], "route_decision")
    assert pending_to(client, sro, route["id"]) == {"sam@example.gov.uk"}
    report = run()
    assert any("programme_manager" in w for w in report.warnings)
    status = client.get("/api/reminders/status", headers=sro)
    assert status.status_code == 200, status.text
    assert status.json()["counts"]["pending"] > 0
    assert any("contract_manager" in w for w in status.json()["warnings"])
    # Once someone holds the role, the SRO's pending reminders move to them.
    priya = make_user("priya", "programme_manager", email="priya@example.gov.uk")
    run()
    assert pending_to(client, priya, route["id"]) == {"priya@example.gov.uk"}
    assert pending_to(client, sro, route["id"]) == set()


def test_escalation_without_an_sro_reaches_the_admins(
    client: TestClient,
    pm: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    clock: FrozenClock,
    run: Callable[..., PassReport],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, _ = mailbox
    make_user("ada", "admin", email="ada@example.gov.uk")
    contract = create(client, pm)
    route = deadline_of(client, pm, contract["id"], "route_decision")
    clock.set(datetime(2027, 1, 3, 10, tzinfo=UTC))  # the day after the deadline
    report = run()
    assert report.missed >= 1 and report.escalated >= 1
    assert any("senior_responsible_owner" in w and "admins" in w for w in report.warnings)
    escalations = [m for m in box.messages if "ESCALATION" in m["Subject"]]
    assert sorted(m["To"] for m in escalations) == ["ada@example.gov.uk", "priya@example.gov.uk"]
    assert route["id"] in {r["deadline_id"] for r in reminders(client, pm, status="sent")}
