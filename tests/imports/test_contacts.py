"""OCDS contact points are shown only to the roles that deal with the buyer and suppliers."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from app.auth.roles import Role
from app.imports.contacts import CONTACT_ROLES
from tests.conftest import MakeUser
from tests.imports.helpers import PACKAGE, package, release

URL = "/api/imports/ocds"
PEOPLE = ("Procurement team", "procurement@borsetshire.example")


def _import(client: TestClient, pm: dict[str, str], data: bytes) -> int:
    res = client.post(URL, headers={**pm, "Content-Type": "application/json"}, content=data)
    assert res.status_code == 200, res.text
    contract_id: int = res.json()["contracts"][0]["id"]
    return contract_id


@pytest.mark.parametrize("role", sorted(Role))
def test_contact_points_per_role(
    client: TestClient, pm: dict[str, str], make_user: MakeUser, role: Role
) -> None:
    contract_id = _import(client, pm, PACKAGE.read_bytes())
    who = make_user(f"u-{role}", role)
    res = client.get(f"/api/contracts/{contract_id}/contacts", headers=who)
    assert res.status_code == 200, res.text
    body = res.json()
    names = {p["name"] for p in body["parties"]}
    assert {"Borsetshire County Council", "Lakey Hill Networks Ltd"} <= names  # always shown
    points = [c for p in body["parties"] for c in p["contact_points"]]
    if role in CONTACT_ROLES:
        assert body["redacted"] is False
        assert {"name": PEOPLE[0], "email": PEOPLE[1]}.items() <= points[0].items()
    else:
        assert body["redacted"] is True and points == []
        # Not a byte of them anywhere in the answer.
        assert not any(p in res.text for p in PEOPLE)


def test_who_sees_them_is_a_deliberate_list() -> None:
    assert {
        "programme_manager",
        "contract_manager",
        "commercial_lead",
        "service_owner",
        "admin",
    } == CONTACT_ROLES


def test_every_kind_of_contact_point_is_read_and_redacted(
    client: TestClient, pm: dict[str, str], make_user: MakeUser
) -> None:
    one = release(
        parties=[
            {
                "id": "GB-LAC-1",
                "name": "Borsetshire County Council",
                "roles": ["buyer"],
                "contactPoint": {
                    "name": "Ann Buyer",
                    "email": "ann@borsetshire.example",
                    "telephone": "+44 1632 960001",
                    "faxNumber": "+44 1632 960002",
                    "url": "https://borsetshire.example/procurement",
                },
                "additionalContactPoints": [{"name": "Out of hours", "telephone": "01632 960003"}],
            },
            {"id": "GB-COH-1", "name": "Supplier Ltd", "roles": ["supplier"]},
        ]
    )
    contract_id = _import(client, pm, json.dumps(package(one)).encode())
    full = client.get(f"/api/contracts/{contract_id}/contacts", headers=pm).json()
    [buyer] = [p for p in full["parties"] if p["id"] == "GB-LAC-1"]
    assert buyer["contact_points"] == [
        {
            "name": "Ann Buyer",
            "email": "ann@borsetshire.example",
            "telephone": "+44 1632 960001",
            "fax_number": "+44 1632 960002",
            "url": "https://borsetshire.example/procurement",
        },
        {
            "name": "Out of hours",
            "email": None,
            "telephone": "01632 960003",
            "fax_number": None,
            "url": None,
        },
    ]
    viewer = make_user("vic", "viewer")
    seen = client.get(f"/api/contracts/{contract_id}/contacts", headers=viewer)
    for secret in ("Ann Buyer", "ann@", "960001", "960002", "960003", "Out of hours"):
        assert secret not in seen.text
    # Nor do other endpoints let them through: the contract itself never carried them.
    shown = client.get(f"/api/contracts/{contract_id}", headers=viewer).text
    assert "ann@" not in shown and "960001" not in shown


def test_a_contract_never_imported_has_none_and_an_unknown_one_is_404(
    client: TestClient, pm: dict[str, str]
) -> None:
    body = {"reference": "M-1", "title": "Manual", "buyer": {"name": "Home Office"}}
    contract = client.post("/api/contracts", json=body, headers=pm).json()
    res = client.get(f"/api/contracts/{contract['id']}/contacts", headers=pm)
    assert res.json() == {
        "contract_id": contract["id"],
        "release_id": None,
        "parties": [],
        "redacted": False,
    }
    assert client.get("/api/contracts/999999/contacts", headers=pm).status_code == 404
