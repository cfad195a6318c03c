"""Values a database cannot store, or reads back differently, are refused or normalized."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.cases.conftest import CONTRACT, SUBMIT, OpenCase, fire


def _deep(levels: int) -> object:
    value: object = "bottom"
    for _ in range(levels):
        value = {"x": value}
    return value


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b'{"decision_date": NaN}', 400),
        (b'{"decision_date": Infinity}', 400),
        (b'{"decision_date": -Infinity}', 400),
        (b'{"decision_date": 1e400}', 400),
    ],
)
def test_numbers_json_cannot_hold_are_refused(
    client: TestClient, pm: dict[str, str], open_case: OpenCase, raw: bytes, status: int
) -> None:
    case = open_case()
    body = b'{"trigger": "submit_for_approval", "reason": "r", "data": ' + raw + b"}"
    res = client.post(
        f"/api/cases/{case['id']}/transitions",
        content=body,
        headers={**pm, "Content-Type": "application/json"},
    )
    assert res.status_code == status, res.text
    assert res.json()["error"] == "malformed_json"
    assert client.get(f"/api/cases/{case['id']}", headers=pm).json()["state"] == case["state"]


def test_nul_in_text_is_refused_with_its_path(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    res = fire(client, pm, case["id"], "submit_for_approval", reason="bad\x00reason")
    assert res.status_code == 422, res.text
    assert res.json()["problems"][0]["field"] == "reason"

    res = client.post("/api/contracts", json={**CONTRACT, "title": "a\x00b"}, headers=pm)
    assert res.status_code == 422
    assert res.json()["problems"][0]["field"] == "title"

    res = client.post(
        "/api/contracts", json={**CONTRACT, "buyer": {"name": "x", "\x00": 1}}, headers=pm
    )
    assert res.status_code == 422


def test_nul_in_query_or_path_is_400(client: TestClient, pm: dict[str, str]) -> None:
    assert client.get("/api/contracts?q=a%00b", headers=pm).status_code == 400
    assert client.get("/api/workflows/a%00b", headers=pm).status_code == 400


def test_deep_nesting_is_refused(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    res = fire(client, pm, case["id"], "submit_for_approval", data={"deep": _deep(40)})
    assert res.status_code == 422, res.text
    assert "nested deeper" in res.json()["detail"]
    # Far deeper than the parser's recursion limit: still a clear 400, not a 500.
    raw = b'{"data": ' + b'{"x": ' * 5000 + b"1" + b"}" * 5000 + b"}"
    res = client.post(
        f"/api/cases/{case['id']}/transitions",
        content=raw,
        headers={**pm, "Content-Type": "application/json"},
    )
    assert res.status_code == 400


def test_numbers_the_database_rewrites_keep_the_chain_valid(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    # PostgreSQL's JSONB reads 1e20 back as an int and 2.0 as 2.0; SQLite keeps the text.
    case = open_case()
    data = {
        "decision_date": "2027-01-15",
        "big": 1e20,
        "whole": 2.0,
        "small": 1.5e-7,
        "neg_zero": -0.0,
        "huge": 1.2345678901234567e25,
        "long": 12345678901234567890123,
    }
    res = fire(
        client, pm, case["id"], "submit_for_approval", data=data, evidence=SUBMIT["evidence"]
    )
    assert res.status_code == 200, res.text
    verified = client.get("/api/audit/verify", headers=pm).json()
    assert verified["ok"] is True, verified


def test_evidence_must_be_a_link(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    for url in ("not a link", "javascript:alert(1)", "ftp://x/y", "https://"):
        evidence = [{"title": "Options paper", "url": url}]
        res = fire(
            client, pm, case["id"], "submit_for_approval", **{**SUBMIT, "evidence": evidence}
        )
        assert res.status_code == 422, url
        assert res.json()["problems"][0]["field"] == "evidence.0.url"
