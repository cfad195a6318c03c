"""The import writes its reading of the release text, and moved dates need confirming again.

Source: held-out Contracts Finder data (issue 14): an end date that may already include the
extensions is an unverified hint until a person confirms the terms from the contract.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.imports.helpers import import_hinted


def _import(client: TestClient, headers: dict[str, str], end: str, date: str) -> dict[str, Any]:
    return import_hinted(client, headers, end=end, date=date)


def _confirm(client: TestClient, headers: dict[str, str], contract: dict[str, Any]) -> None:
    res = client.post(
        f"/api/contracts/{contract['id']}/terms/confirm",
        headers=headers,
        json={"version": contract["version"], "note": "Checked against clause 3"},
    )
    assert res.status_code == 200, res.text


def test_the_import_stores_the_hints_it_read(client: TestClient, pm: dict[str, str]) -> None:
    contract = _import(client, pm, "2030-03-31", "2026-01-01T00:00:00Z")
    assert contract["terms_verified"] is False
    assert contract["terms_hints"], "the description's '3 years + 1 + 1' is a hint"
    assert any("extension" in h for h in contract["terms_hints"])


def test_a_later_release_that_moves_confirmed_dates_unconfirms_them(
    client: TestClient, pm: dict[str, str]
) -> None:
    _confirm(client, pm, _import(client, pm, "2030-03-31", "2026-01-01T00:00:00Z"))
    moved = _import(client, pm, "2031-03-31", "2026-02-01T00:00:00Z")
    assert moved["end_date"] == "2031-03-31"
    assert moved["terms_verified"] is False
    assert moved["terms_verified_by"] is None
    events = client.get(
        "/api/audit/events", headers=pm, params={"contract_id": moved["id"], "limit": 50}
    ).json()["items"]
    assert any(e["details"].get("terms_unverified") for e in events)


def test_a_later_release_with_the_same_dates_keeps_them_confirmed(
    client: TestClient, pm: dict[str, str]
) -> None:
    _confirm(client, pm, _import(client, pm, "2030-03-31", "2026-01-01T00:00:00Z"))
    again = _import(client, pm, "2030-03-31", "2026-02-01T00:00:00Z")
    assert again["terms_verified"] is True
    assert again["terms_verified_by"] == "priya"
