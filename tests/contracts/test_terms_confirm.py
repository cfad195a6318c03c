"""Imported terms are unverified until a person confirms them from the contract (issue 14).

Source: held-out Contracts Finder data, whose end date sometimes already includes the
extensions ("3 years + 1 + 1, maximum 5"); the confirmation is an audited decision.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import MakeUser
from tests.contracts.test_contracts_api import BASE, create
from tests.imports.helpers import import_hinted

URL = "/api/contracts/{}/terms/confirm"


def _imported(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    return import_hinted(client, headers)


def test_a_contract_entered_by_hand_is_verified_by_whoever_entered_it(
    client: TestClient, pm: dict[str, str]
) -> None:
    body = create(client, pm)
    assert body["terms_verified"] is True
    assert body["terms_verified_by"] == "priya"
    assert body["terms_verified_at"] is not None
    assert all(d["unverified"] is False for d in body["deadlines"])


def test_imported_terms_and_their_deadlines_are_unverified(
    client: TestClient, pm: dict[str, str]
) -> None:
    contract = _imported(client, pm)
    assert contract["terms_verified"] is False
    assert contract["terms_verified_by"] is None
    assert contract["deadlines"], "an imported contract still has deadlines"
    assert all(d["unverified"] is True for d in contract["deadlines"])


def test_confirming_with_a_corrected_end_date_is_audited(
    client: TestClient, pm: dict[str, str]
) -> None:
    contract = _imported(client, pm)
    res = client.post(
        URL.format(contract["id"]),
        headers=pm,
        json={
            "version": contract["version"],
            "end_date": "2028-03-31",
            "max_end_date": "2030-03-31",
            "note": "Clause 3.1: 3 years plus two 1-year options",
        },
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["terms_verified"] is True
    assert body["terms_verified_by"] == "priya"
    assert (body["end_date"], body["max_end_date"]) == ("2028-03-31", "2030-03-31")
    assert res.headers["ETag"] == f'"{body["version"]}"'
    assert body["version"] == contract["version"] + 1, "one versioned write for the decision"
    assert all(d["unverified"] is False for d in body["deadlines"])
    events = client.get("/api/audit/events", headers=pm, params={"actor": "priya"}).json()["items"]
    mine = [e for e in events if e["contract_id"] == contract["id"]]
    actions = [e["action"] for e in mine if e["action"].startswith("contract.")]
    assert actions[-2:] == ["contract.terms_corrected", "contract.terms_confirmed"]
    confirmed = next(e for e in mine if e["action"] == "contract.terms_confirmed")
    assert confirmed["reason"] == "Clause 3.1: 3 years plus two 1-year options"
    assert confirmed["details"]["corrected"] == {
        "end_date": "2028-03-31",
        "max_end_date": "2030-03-31",
    }


def test_confirming_twice_or_stale_is_refused(client: TestClient, pm: dict[str, str]) -> None:
    contract = _imported(client, pm)
    url = URL.format(contract["id"])
    stale = client.post(url, headers=pm, json={"version": contract["version"] + 1})
    assert (stale.status_code, stale.json()["error"]) == (409, "stale_version")
    wrong = client.post(url, headers={**pm, "If-Match": '"99"'}, json={})
    assert (wrong.status_code, wrong.json()["error"]) == (412, "stale_version")
    assert client.post(url, headers=pm, json={"note": "checked"}).status_code == 200
    again = client.post(url, headers=pm, json={})
    assert (again.status_code, again.json()["error"]) == (409, "terms_already_verified")


def test_bad_corrections_are_a_422_not_a_500(client: TestClient, pm: dict[str, str]) -> None:
    contract = _imported(client, pm)
    url = URL.format(contract["id"])
    res = client.post(url, headers=pm, json={"end_date": "2020-01-01"})
    assert res.status_code == 422
    assert client.post(url, headers=pm, json={"end_date": "soon"}).status_code == 422
    assert client.post(url, headers=pm, json={"colour": "red"}).status_code == 422
    assert (
        client.get(f"/api/contracts/{contract['id']}", headers=pm).json()["terms_verified"] is False
    )


def test_only_contract_editors_may_confirm(
    client: TestClient, pm: dict[str, str], viewer: dict[str, str], make_user: MakeUser
) -> None:
    contract = _imported(client, pm)
    url = URL.format(contract["id"])
    assert client.post(url, headers=viewer, json={}).status_code == 403
    sro = make_user("sro2", "senior_responsible_owner")
    assert client.post(url, headers=sro, json={}).status_code == 403
    commercial = make_user("cl", "commercial_lead")
    assert client.post(url, headers=commercial, json={}).status_code == 200
    assert (
        client.post("/api/contracts/999999/terms/confirm", headers=pm, json={}).status_code == 404
    )
    assert BASE  # the hand-entered shape the other tests use
