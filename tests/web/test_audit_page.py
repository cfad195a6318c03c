"""The audit page: search by case, actor and date, newest first, paginated; CSV; verify."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.web import queries
from tests.web.conftest import post_form, register, sign_in


def _pm(client: TestClient, web_user: Callable[..., str]) -> TestClient:
    web_user("priya", "programme_manager")
    return sign_in(client, "priya")


def test_search_by_case_and_actor_newest_first(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    contract_id = register(client)
    case_url = post_form(client, f"/contracts/{contract_id}/cases", {}).headers["location"]
    case_id = case_url.rsplit("/", 1)[1]
    page = client.get(f"/audit?case_id={case_id}")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and "<title>Audit \u2013 Handover</title>" in page.text
    assert f'href="/cases/{case_id}/history">Case {case_id}<' in page.text
    assert f'href="/audit.csv?case_id={case_id}"' in page.text
    everything = client.get("/audit?actor=priya")
    assert everything.status_code == 200
    # The case was opened after the contract was registered: newest first, it comes first.
    assert everything.text.index("Case opened") < everything.text.index("Contract created")
    assert "0 events" in client.get("/audit?actor=nobody").text


def test_bad_filters_are_an_error_summary_that_keeps_the_input(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    page = client.get("/audit?case_id=twelve&since=2026-02-31&actor=priya")
    assert page.status_code == 422
    assert "<title>Error: Audit" in page.text
    assert 'href="#case_id"' in page.text and 'href="#since"' in page.text
    assert 'value="twelve"' in page.text and 'value="priya"' in page.text
    assert client.get("/audit.csv?since=yesterday").status_code == 422


def test_dates_are_whole_days_and_pages_follow(
    client: TestClient, web_user: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _pm(client, web_user)
    for i in range(3):
        register(client, reference=f"WEB-10{i}")
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    first = client.get("/audit?since=2026-11-25&until=2026-11-25")
    assert first.status_code == 200
    assert 'href="/audit?since=2026-11-25&amp;until=2026-11-25&amp;page=2"' in first.text
    last = client.get("/audit?since=2026-11-25&until=2026-11-25&page=2")
    assert last.status_code == 200 and "Previous" in last.text
    assert "0 events" in client.get("/audit?since=2026-11-26").text


def test_csv_export_streams_the_matching_events(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    register(client)
    response = client.get("/audit.csv?actor=priya")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {r["actor"] for r in rows} == {"priya"}
    assert "contract.created" in {r["action"] for r in rows}


def test_verify_shows_the_result_and_needs_the_csrf_token(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session], is_postgres: bool
) -> None:
    _pm(client, web_user)
    register(client)
    assert client.post("/audit/verify", data={}).status_code == 403
    ok = post_form(client, "/audit/verify", {})
    assert ok.status_code == 200 and "The audit chain is intact." in ok.text
    if is_postgres:
        return  # PostgreSQL's triggers refuse the tampering below: covered in tests/audit
    with db.begin() as s:
        s.execute(text("DROP TRIGGER IF EXISTS audit_event_no_update"))
        s.execute(text("UPDATE audit_event SET reason = 'forged' WHERE seq = 1"))
    bad = post_form(client, "/audit/verify", {})
    assert "The audit chain does not verify" in bad.text
