"""The audit trail: append-only, hash-chained, verifiable; tampering is caught."""

from __future__ import annotations

import csv
import io
import itertools
import threading
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.audit.service import verify

CONTRACT = {"reference": "R-1", "title": "Hosting", "buyer": {"name": "Home Office"}}


def _contracts(client: TestClient, headers: dict[str, str], n: int) -> None:
    for i in range(n):
        res = client.post(
            "/api/contracts", json={**CONTRACT, "reference": f"R-{i}"}, headers=headers
        )
        assert res.status_code == 201


def test_chain_verifies_and_links(client: TestClient, pm: dict[str, str]) -> None:
    _contracts(client, pm, 3)
    events = client.get("/api/audit/events", headers=pm).json()["items"]
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert events[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(events))
    assert events[0]["key_id"] and len({e["key_id"] for e in events}) == 1
    result = client.get("/api/audit/verify", headers=pm).json()
    assert result["ok"] is True, result
    assert (result["events"], result["first_bad"], result["problem"]) == (3, None, None)
    assert result["strays"] == []


def test_the_database_refuses_update_and_delete(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    _contracts(client, pm, 1)
    for sql in ("UPDATE audit_event SET reason = 'edited'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), db.begin() as session:
            session.execute(text(sql))


def _behind_the_back(db: sessionmaker[Session], is_postgres: bool, sql: str) -> None:
    """Edit the table as someone with database access would, bypassing the trigger."""
    with db.begin() as session:
        if is_postgres:
            session.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            session.execute(text("DROP TRIGGER audit_event_no_update"))
            session.execute(text("DROP TRIGGER audit_event_no_delete"))
        session.execute(text(sql))


def test_an_edited_event_is_caught(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], is_postgres: bool
) -> None:
    _contracts(client, pm, 4)
    second = client.get("/api/audit/events", headers=pm).json()["items"][1]
    _behind_the_back(
        db, is_postgres, f"UPDATE audit_event SET actor = 'mallory' WHERE id = {second['id']}"
    )
    result = client.get("/api/audit/verify", headers=pm).json()
    assert result["ok"] is False
    assert result["first_bad"] == second["id"]
    assert "altered" in result["problem"]


def test_an_edited_json_column_is_caught(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], is_postgres: bool
) -> None:
    _contracts(client, pm, 3)
    second = client.get("/api/audit/events", headers=pm).json()["items"][1]
    sql = f"UPDATE audit_event SET roles = '[\"admin\"]' WHERE id = {second['id']}"
    _behind_the_back(db, is_postgres, sql)
    result = client.get("/api/audit/verify", headers=pm).json()
    assert (result["ok"], result["first_bad"]) == (False, second["id"])
    assert "MAC" in result["problem"]


def test_a_deleted_event_is_caught(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], is_postgres: bool
) -> None:
    _contracts(client, pm, 4)
    events = client.get("/api/audit/events", headers=pm).json()["items"]
    _behind_the_back(db, is_postgres, f"DELETE FROM audit_event WHERE id = {events[1]['id']}")
    result = client.get("/api/audit/verify", headers=pm).json()
    assert result["ok"] is False
    assert result["first_bad"] == events[2]["id"]


def test_a_truncated_tail_is_caught(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], is_postgres: bool
) -> None:
    _contracts(client, pm, 3)
    events = client.get("/api/audit/events", headers=pm).json()["items"]
    _behind_the_back(db, is_postgres, f"DELETE FROM audit_event WHERE id = {events[-1]['id']}")
    with db() as session:
        result = verify(session=session)
    assert not result.ok
    assert "head" in (result.problem or "")  # the head row still names the cut event


def test_concurrent_writers_never_fork_the_chain(client: TestClient, pm: dict[str, str]) -> None:
    errors: list[int] = []

    def writer(k: int) -> None:
        for i in range(5):
            res = client.post(
                "/api/contracts", json={**CONTRACT, "reference": f"T{k}-{i}"}, headers=pm
            )
            if res.status_code != 201:
                errors.append(res.status_code)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = client.get("/api/audit/verify", headers=pm).json()
    assert (result["ok"], result["events"], result["first_bad"]) == (True, 30, None)


def test_filters_paging_and_csv(
    client: TestClient, pm: dict[str, str], make_user: Callable[..., dict[str, str]]
) -> None:
    other = make_user("morgan", "contract_manager")
    _contracts(client, pm, 3)
    res = client.post("/api/contracts", json={**CONTRACT, "reference": "M"}, headers=other)
    assert res.status_code == 201
    by_actor = client.get("/api/audit/events", params={"actor": "morgan"}, headers=pm).json()
    assert [e["actor"] for e in by_actor["items"]] == ["morgan"]
    page = client.get("/api/audit/events", params={"limit": 3}, headers=pm).json()
    assert len(page["items"]) == 3
    rest = client.get("/api/audit/events", params={"cursor": page["next"]}, headers=pm).json()
    assert [e["seq"] for e in rest["items"]] == [4] and rest["next"] is None
    exported = client.get("/api/audit/events", params={"format": "csv"}, headers=pm)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["seq"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[3]["actor"] == "morgan"
    assert rows[0]["hash"] and rows[1]["prev_hash"] == rows[0]["hash"]
