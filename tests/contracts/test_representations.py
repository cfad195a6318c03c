"""One representation per thing: money has one format, and list items do not show fields
empty that the contract itself has."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.contracts.test_contracts_api import BASE, create

AMOUNT = re.compile(r"^[0-9]+\.[0-9]{2}$")


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("12000000", "12000000.00"),
        (12000000, "12000000.00"),
        ("1E+7", "10000000.00"),
        ("99.5", "99.50"),
        ("0", "0.00"),
    ],
)
def test_an_amount_reads_the_same_in_every_response(
    client: TestClient, pm: dict[str, str], sent: str | int, shown: str
) -> None:
    # Create used to echo "12000000" while get and list showed "12000000.00".
    made = create(client, pm, value={"amount": sent, "currency": "GBP"})
    url = f"/api/contracts/{made['id']}"
    got = client.get(url, headers=pm).json()
    listed = client.get("/api/contracts", headers=pm).json()["items"][0]
    patched = client.patch(
        url, headers={**pm, "If-Match": '"1"'}, json={"tier": 2, "reason": "triaged"}
    ).json()
    repriced = client.patch(
        url,
        headers={**pm, "If-Match": '"2"'},
        json={"value": {"amount": sent, "currency": "eur"}, "reason": "re-priced"},
    ).json()
    amounts = [r["value"]["amount"] for r in (made, got, listed, patched, repriced)]
    assert amounts == [shown] * 5
    assert repriced["value"]["currency"] == "EUR"
    events = client.get("/api/audit/events", params={"contract_id": made["id"]}, headers=pm)
    created = next(e for e in events.json()["items"] if e["action"] == "contract.created")
    assert created["details"]["after"]["value"]["amount"] == shown


def test_imported_amounts_read_like_typed_ones(client: TestClient, pm: dict[str, str]) -> None:
    doc = {
        "releases": [
            {
                "ocid": "ocds-hvtest-money",
                "id": "r1",
                "date": "2024-01-01T00:00:00Z",
                "buyer": {"name": "Borsetshire County Council"},
                "awards": [{"value": {"amount": 1500000, "currency": "JPY"}}],
            }
        ]
    }
    headers = {**pm, "Content-Type": "application/json"}
    report = client.post("/api/imports/ocds", headers=headers, content=json.dumps(doc)).json()
    contract_id = report["contracts"][0]["id"]
    got = client.get(f"/api/contracts/{contract_id}", headers=pm).json()
    listed = client.get("/api/contracts", headers=pm).json()["items"][0]
    assert got["value"] == listed["value"] == {"amount": "1500000.00", "currency": "JPY"}


def test_list_items_leave_out_deadlines_and_cases_rather_than_show_them_empty(
    client: TestClient, pm: dict[str, str]
) -> None:
    # Items used to carry "deadlines": [] and "cases": [] for contracts that had both.
    made = create(client, pm)
    opened = client.post(
        "/api/cases", headers=pm, json={"workflow": "contract_review", "contract_id": made["id"]}
    )
    assert opened.status_code == 201, opened.text
    one = client.get(f"/api/contracts/{made['id']}", headers=pm).json()
    assert one["deadlines"] and one["cases"]
    [item] = client.get("/api/contracts", headers=pm).json()["items"]
    assert "deadlines" not in item and "cases" not in item
    assert {k: v for k, v in one.items() if k not in ("deadlines", "cases")} == item


def test_the_openapi_document_says_so(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    page = doc["paths"]["/api/contracts"]["get"]["responses"]["200"]["content"]
    item_ref = schemas[page["application/json"]["schema"]["$ref"].split("/")[-1]]
    item = schemas[item_ref["properties"]["items"]["items"]["$ref"].split("/")[-1]]
    assert "deadlines" not in item["properties"] and "cases" not in item["properties"]
    assert "GET /api/contracts/{id}" in item["description"]
    one = schemas["ContractOut"]
    assert {"deadlines", "cases"} <= set(one["properties"])
    money = schemas["MoneyOut"]
    assert money["properties"]["amount"]["type"] == "string"
    assert AMOUNT.pattern == money["properties"]["amount"]["pattern"]
    assert BASE["value"]["amount"] == "126000000.00"
