"""The Deadlines page: twelve months as SVG and a table, filters, waive and mark met."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.deadlines.models import Deadline
from app.web import deadline_timeline
from tests.web.conftest import csrf_of, post_form, register, sign_in


def _pm_with_contract(client: TestClient, web_user: Callable[..., str]) -> int:
    web_user("priya", "programme_manager")
    sign_in(client, "priya")
    return register(client)


def _first_open(db: sessionmaker[Session], contract_id: int) -> Deadline:
    with db() as session:
        row = session.scalar(
            select(Deadline)
            .where(Deadline.contract_id == contract_id, Deadline.status == "pending")
            .order_by(Deadline.date)
            .limit(1)
        )
        assert row is not None
        return row


def test_the_page_draws_twelve_months_and_lists_them_in_a_table(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    contract_id = _pm_with_contract(client, web_user)
    page = client.get("/deadlines")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and "<title>Deadlines \u2013 Handover</title>" in page.text
    svg = re.search(r"<svg.*?</svg>", page.text, re.S)
    assert svg, page.text
    assert 'role="img"' in svg.group(0) and "<title id=" in svg.group(0) and "<desc" in svg.group(0)
    assert "style" not in svg.group(0)
    assert ' style="' not in page.text and "<style" not in page.text
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert "app-deadline-timeline__dot--pending" in svg.group(0)
    assert f'href="/contracts/{contract_id}"' in page.text
    deadline = _first_open(db, contract_id)
    assert f'href="/deadlines/{deadline.id}?back=' in page.text
    # Filters: a plain GET form; an unknown kind shows everything, a known one narrows.
    kind = client.get(f"/deadlines?kind={deadline.kind}")
    assert f'<option value="{deadline.kind}" selected>' in kind.text
    none_met = client.get("/deadlines?status=met")
    assert "0 deadlines" in none_met.text
    assert "app-deadline-timeline__dot" not in none_met.text


def test_waive_needs_a_reason_then_is_recorded_and_cannot_be_repeated(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    contract_id = _pm_with_contract(client, web_user)
    deadline = _first_open(db, contract_id)
    url = f"/deadlines/{deadline.id}"
    shown = client.get(f"{url}?back=/deadlines?status=pending")
    assert shown.status_code == 200
    assert 'action="/deadlines/' in shown.text and 'href="/deadlines?status=pending"' in shown.text
    empty = post_form(client, f"{url}/waive", {"waive_reason": "   "})
    assert empty.status_code == 422
    assert "<title>Error: " in empty.text and 'href="#waive_reason"' in empty.text
    assert "Enter your reason for waiving it" in empty.text
    done = post_form(
        client, f"{url}/waive", {"waive_reason": "Notice agreed by letter", "back": "//evil"}
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{url}?back=%2Fdeadlines"
    after = client.get(done.headers["location"])
    assert "Waived" in after.text and "Notice agreed by letter" in after.text
    assert 'action="/deadlines/' not in after.text  # no forms for a resolved deadline
    with db() as session:
        assert session.get(Deadline, deadline.id).status == "waived"  # type: ignore[union-attr]
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "deadline.waived"))
        assert event is not None and event.reason == "Notice agreed by letter"
    again = post_form(client, f"{url}/met", {"met_reason": "served"})
    assert again.status_code == 409
    assert "govuk-error-summary" in again.text and 'href="#status"' in again.text


def test_mark_met_with_a_reason_and_an_evidence_link(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    contract_id = _pm_with_contract(client, web_user)
    deadline = _first_open(db, contract_id)
    url = f"/deadlines/{deadline.id}/met"
    bad = post_form(
        client, url, {"met_reason": "Served on time", "met_evidence_url": "javascript:alert(1)"}
    )
    assert bad.status_code == 422
    assert 'href="#met_evidence_url"' in bad.text and "starting https://" in bad.text
    assert "Served on time" in bad.text  # the input is kept
    link = "https://files.example.org/notice.pdf"
    done = post_form(
        client,
        url,
        {"met_reason": "Served on time", "met_evidence_url": link, "met_evidence_title": "Notice"},
    )
    assert done.status_code == 303
    with db() as session:
        assert session.get(Deadline, deadline.id).status == "met"  # type: ignore[union-attr]
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "deadline.met"))
        assert event is not None
        assert [e["url"] for e in event.evidence] == [link]


def test_csrf_is_required(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    contract_id = _pm_with_contract(client, web_user)
    deadline = _first_open(db, contract_id)
    for token in ("", "wrong"):
        response = client.post(
            f"/deadlines/{deadline.id}/waive",
            data={"csrf_token": token, "waive_reason": "x"},
            follow_redirects=False,
        )
        assert response.status_code == 403
    with db() as session:
        assert session.get(Deadline, deadline.id).status == "pending"  # type: ignore[union-attr]


def test_a_viewer_sees_no_forms_and_a_forged_post_gets_403(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    contract_id = _pm_with_contract(client, web_user)
    deadline = _first_open(db, contract_id)
    client.cookies.clear()
    web_user("vic", "viewer")
    sign_in(client, "vic")
    page = client.get(f"/deadlines/{deadline.id}")
    assert page.status_code == 200
    assert 'action="/deadlines/' not in page.text
    assert "Waiving a deadline needs one of the roles" in page.text
    forged = client.post(
        f"/deadlines/{deadline.id}/waive",
        data={"csrf_token": csrf_of(page.text), "waive_reason": "because"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert "govuk-error-summary" in forged.text and "This needs one of the roles" in forged.text
    with db() as session:
        assert session.get(Deadline, deadline.id).status == "pending"  # type: ignore[union-attr]


def test_a_service_owner_may_mark_met_but_not_waive(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    contract_id = _pm_with_contract(client, web_user)
    deadline = _first_open(db, contract_id)
    client.cookies.clear()
    web_user("sol", "service_owner")
    sign_in(client, "sol")
    page = client.get(f"/deadlines/{deadline.id}")
    assert f'action="/deadlines/{deadline.id}/met"' in page.text
    assert f'action="/deadlines/{deadline.id}/waive"' not in page.text
    assert (
        post_form(client, f"/deadlines/{deadline.id}/waive", {"waive_reason": "x"}).status_code
        == 403
    )


def test_the_table_sorts_latest_first_and_keeps_the_filters(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    _pm_with_contract(client, web_user)
    soonest = client.get("/deadlines?status=pending").text
    latest = client.get("/deadlines?status=pending&sort=-date").text
    ids = re.findall(r'href="/deadlines/(\d+)\?', soonest)
    assert len(ids) > 1
    assert re.findall(r'href="/deadlines/(\d+)\?', latest) == ids[::-1]
    assert 'href="/deadlines?status=pending&amp;sort=-date"' in soonest
    assert '<input type="hidden" name="sort" value="-date">' in latest


def test_the_picture_places_dates_along_the_twelve_months() -> None:
    today = date(2026, 11, 25)
    rows = [
        Deadline(kind="notice_deadline", date=today, status="pending"),
        Deadline(kind="hard_stop", date=today + timedelta(days=364), status="missed"),
    ]
    picture = deadline_timeline.build(rows, today, total=2)
    first, last = picture.dots
    assert first.x == picture.left and last.x < picture.right
    assert [lane.label for lane in picture.lanes] == ["Hard stop", "Notice deadline"]
    assert picture.ticks[0].label == "Dec" and picture.ticks[1].label == "Jan 27"
    assert all(picture.left < t.x < picture.right for t in picture.ticks)
    assert "2 deadlines from 25 November 2026 to 24 November 2027" in picture.description
    assert "1 missed, 1 pending" in picture.description
