"""The notifications page: my notices (mark read, one and all) and overseers' failed reminders."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.auth.models import User
from app.clock import FrozenClock
from app.deadlines.models import InAppNotification, Reminder
from tests.web.conftest import post_form, register, sign_in


def _notify(db: sessionmaker[Session], clock: FrozenClock, name: str, *subjects: str) -> None:
    with db.begin() as s:
        user_id = s.scalar(select(User.id).where(User.name == name))
        for subject in subjects:
            s.add(
                InAppNotification(
                    user_id=user_id, subject=subject, body="Body text", created_at=clock.now()
                )
            )


def _unread(db: sessionmaker[Session]) -> list[str]:
    with db() as s:
        rows = s.scalars(select(InAppNotification).where(InAppNotification.read_at.is_(None)))
        return sorted(n.subject for n in rows)


def test_mark_one_and_then_all_read(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session], clock: FrozenClock
) -> None:
    web_user("vic", "viewer")
    web_user("other", "viewer")
    _notify(db, clock, "vic", "Break clause in 30 days", "Notice deadline in 7 days")
    _notify(db, clock, "other", "Someone else's")
    sign_in(client, "vic")
    page = client.get("/notifications")
    assert page.status_code == 200
    assert "Break clause in 30 days" in page.text and "Someone else" not in page.text
    assert "Failed reminders" not in page.text  # not an overseer
    home = client.get("/")
    assert "Notice deadline in 7 days" in home.text  # unread on My work too
    with db() as s:
        first = s.scalar(
            select(InAppNotification.id).where(InAppNotification.subject.like("Break%"))
        )
        theirs = s.scalar(
            select(InAppNotification.id).where(InAppNotification.subject.like("Someone%"))
        )
    response = post_form(client, f"/notifications/{first}/read", {})
    assert response.status_code == 303
    assert _unread(db) == ["Notice deadline in 7 days", "Someone else's"]
    assert post_form(client, f"/notifications/{theirs}/read", {}).status_code == 404
    unread_only = client.get("/notifications?unread=true")
    assert "Break clause" not in unread_only.text and "Notice deadline" in unread_only.text
    assert post_form(client, "/notifications/read-all", {}).status_code == 303
    assert _unread(db) == ["Someone else's"]


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    web_user("vic", "viewer")
    sign_in(client, "vic")
    response = client.post("/notifications/read-all", data={}, follow_redirects=False)
    assert response.status_code == 403


def _fail_a_reminder(db: sessionmaker[Session]) -> int:
    with db.begin() as s:
        reminder_id = s.scalar(select(Reminder.id).order_by(Reminder.id).limit(1))
        assert reminder_id is not None, "registering a contract plans reminders"
        s.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(status="failed", attempts=5, last_error="550 mailbox unavailable")
        )
    return reminder_id


def test_an_overseer_sees_failed_reminders_and_requeues_one(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    web_user("priya", "programme_manager")
    sign_in(client, "priya")
    register(client)
    reminder_id = _fail_a_reminder(db)
    page = client.get("/notifications")
    assert "Failed reminders" in page.text and "550 mailbox unavailable" in page.text
    assert f'action="/reminders/{reminder_id}/requeue"' in page.text
    assert post_form(client, f"/reminders/{reminder_id}/requeue", {}).status_code == 303
    with db() as s:
        assert s.get(Reminder, reminder_id).status == "pending"  # type: ignore[union-attr]
    again = post_form(client, f"/reminders/{reminder_id}/requeue", {})
    assert again.status_code == 409
    assert "govuk-error-summary" in again.text and "only failed reminders" in again.text


def test_a_viewers_forged_requeue_gets_403(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    web_user("priya", "programme_manager")
    sign_in(client, "priya")
    register(client)
    reminder_id = _fail_a_reminder(db)
    client.cookies.clear()
    web_user("vic", "viewer")
    sign_in(client, "vic")
    assert post_form(client, f"/reminders/{reminder_id}/requeue", {}).status_code == 403
    with db() as s:
        assert s.get(Reminder, reminder_id).status == "failed"  # type: ignore[union-attr]
