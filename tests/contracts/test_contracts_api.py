"""The contract register over REST."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

BASE: dict[str, Any] = {
    "reference": "HO-HOST-2018-11",
    "title": "Data centre hosting",
    "buyer": {"name": "Home Office", "identifier": "GB-GOR-D22"},
    "suppliers": [{"name": "Fujitsu Services Ltd", "companies_house_number": "00096056"}],
    "value": {"amount": "126000000.00", "currency": "GBP"},
    "start_date": "2018-11-01",
    "end_date": "2027-10-31",
    "max_end_date": "2028-10-31",
    "notice_period_days": 90,
    "break_clauses": [{"date": "2027-04-30", "notice_days": 120}],
    "extension_options": [{"months": 12, "notice_days": 180}],
    "tier": 1,
}


def create(client: TestClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    res = client.post("/api/contracts", json={**BASE, **changes}, headers=headers)
    assert res.status_code == 201, res.text
    body: dict[str, Any] = res.json()
    return body


def test_create_returns_the_contract_with_fixed_field_names(
    client: TestClient, pm: dict[str, str]
) -> None:
    res = client.post("/api/contracts", json=BASE, headers=pm)
    assert res.status_code == 201
    body = res.json()
    assert res.headers["ETag"] == '"1"'
    assert res.headers["Location"] == f"/api/contracts/{body['id']}"
    for field in (
        "id",
        "reference",
        "title",
        "description",
        "buyer",
        "suppliers",
        "value",
        "start_date",
        "end_date",
        "max_end_date",
        "notice_period_days",
        "notice_in_working_days",
        "break_clauses",
        "extension_options",
        "tier",
        "ocid",
        "version",
        "deadlines",
    ):
        assert field in body, field
    assert body["buyer"] == {"name": "Home Office", "identifier": "GB-GOR-D22"}
    assert body["suppliers"] == [
        {"name": "Fujitsu Services Ltd", "companies_house_number": "00096056"}
    ]
    assert body["value"] == {"amount": "126000000.00", "currency": "GBP"}
    assert body["break_clauses"] == [{"date": "2027-04-30", "notice_days": 120}]
    assert body["version"] == 1
    fetched = client.get(f"/api/contracts/{body['id']}", headers=pm).json()
    assert fetched["end_date"] == "2027-10-31"


def test_every_inconsistency_is_reported_at_once(client: TestClient, pm: dict[str, str]) -> None:
    res = client.post(
        "/api/contracts",
        json={
            **BASE,
            "start_date": "2020-01-01",
            "end_date": "2019-01-01",
            "max_end_date": "2018-01-01",
            "notice_period_days": 400,
        },
        headers=pm,
    )
    assert res.status_code == 422
    body = res.json()
    assert body["error"] == "validation_error"
    fields = {p["field"] for p in body["problems"]}
    assert {"end_date", "max_end_date", "break_clauses[0].date"} <= fields


def test_notice_longer_than_contract_is_refused(client: TestClient, pm: dict[str, str]) -> None:
    res = client.post(
        "/api/contracts",
        json={**BASE, "start_date": "2027-01-01", "notice_period_days": 400, "break_clauses": []},
        headers=pm,
    )
    assert res.status_code == 422
    assert [p["field"] for p in res.json()["problems"]] == ["notice_period_days"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": {"amount": "-1", "currency": "GBP"}}, "value.amount"),
        ({"value": {"amount": "1e20", "currency": "GBP"}}, "value.amount"),
        ({"value": {"amount": "10", "currency": "XXQ"}}, "value.currency"),
        ({"tier": 7}, "tier"),
        ({"start_date": "2019-02-30"}, "start_date"),
        (
            {"suppliers": [{"name": "X", "companies_house_number": "12"}]},
            "suppliers.0.companies_house_number",
        ),
        ({"colour": "blue"}, "colour"),
        ({"notice_period_days": "ninety"}, "notice_period_days"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_fields_get_a_422_naming_the_field(
    client: TestClient, pm: dict[str, str], change: dict[str, object], field: str
) -> None:
    res = client.post("/api/contracts", json={**BASE, **change}, headers=pm)
    assert res.status_code == 422, res.text
    assert field in [p["field"] for p in res.json()["problems"]]


def test_duplicate_reference_for_the_same_buyer_conflicts(
    client: TestClient, pm: dict[str, str]
) -> None:
    create(client, pm)
    res = client.post("/api/contracts", json=BASE, headers=pm)
    assert res.status_code == 409
    assert res.json()["error"] == "duplicate"
    other_buyer = {**BASE, "buyer": {"name": "Cabinet Office"}}
    assert client.post("/api/contracts", json=other_buyer, headers=pm).status_code == 201


def test_viewer_may_read_but_not_write(
    client: TestClient, pm: dict[str, str], viewer: dict[str, str]
) -> None:
    contract = create(client, pm)
    assert client.get(f"/api/contracts/{contract['id']}", headers=viewer).status_code == 200
    res = client.post("/api/contracts", json={**BASE, "reference": "X"}, headers=viewer)
    assert res.status_code == 403
    assert res.json()["error"] == "role_required"


def test_unknown_and_absurd_ids(client: TestClient, pm: dict[str, str]) -> None:
    assert client.get("/api/contracts/999", headers=pm).status_code == 404
    assert client.get("/api/contracts/99999999999999999999", headers=pm).status_code == 422
    assert client.get("/api/contracts/abc", headers=pm).status_code == 422
    assert client.get("/api/contracts/0", headers=pm).status_code == 422


def test_list_filters_and_pages(client: TestClient, pm: dict[str, str]) -> None:
    create(client, pm)
    create(
        client,
        pm,
        reference="DWP-EUC",
        title="End-user computing",
        buyer={"name": "Department for Work and Pensions"},
        suppliers=[{"name": "Northgate Managed Services"}],
        end_date="2027-03-31",
        break_clauses=[],
    )
    create(
        client,
        pm,
        reference="MOJ-NET",
        title="Wide area network 100%",
        buyer={"name": "Ministry of Justice"},
        suppliers=[{"name": "BT plc"}],
        end_date="2026-12-31",
        max_end_date="2027-12-31",
        break_clauses=[],
        extension_options=[],
    )

    def refs(**params: str) -> list[str]:
        res = client.get("/api/contracts", params=params, headers=pm)
        assert res.status_code == 200, res.text
        return [c["reference"] for c in res.json()["items"]]

    assert refs(q="hosting") == ["HO-HOST-2018-11"]
    assert refs(q="100%") == ["MOJ-NET"]
    assert refs(q="%") == ["MOJ-NET"]
    assert refs(supplier="northgate") == ["DWP-EUC"]
    assert refs(supplier="00096056") == ["HO-HOST-2018-11"]
    assert refs(buyer="justice") == ["MOJ-NET"]
    assert refs(ends_before="2027-06-01") == ["DWP-EUC", "MOJ-NET"]
    assert refs(ends_after="2027-06-01") == ["HO-HOST-2018-11"]

    page1 = client.get("/api/contracts", params={"limit": 2}, headers=pm).json()
    assert len(page1["items"]) == 2 and page1["next"]
    page2 = client.get(
        "/api/contracts", params={"limit": 2, "cursor": page1["next"]}, headers=pm
    ).json()
    assert [c["reference"] for c in page2["items"]] == ["MOJ-NET"]
    assert page2["next"] is None


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"limit": "many"}, {"ends_before": "soon"}, {"q": "x" * 500}],
)
def test_absurd_query_parameters_get_422(
    client: TestClient, pm: dict[str, str], params: dict[str, object]
) -> None:
    res = client.get("/api/contracts", params=params, headers=pm)
    assert res.status_code == 422
    assert res.json()["error"] == "validation_error"


def test_bad_cursor_gets_400(client: TestClient, pm: dict[str, str]) -> None:
    res = client.get("/api/contracts", params={"cursor": "not-ours"}, headers=pm)
    assert res.status_code == 400
    assert "cursor" in res.json()["detail"]


def test_patch_is_audited_with_before_and_after(client: TestClient, pm: dict[str, str]) -> None:
    contract = create(client, pm)
    res = client.patch(
        f"/api/contracts/{contract['id']}",
        json={"end_date": "2028-10-31", "extension_options": [], "reason": "extension exercised"},
        headers={**pm, "If-Match": '"1"'},
    )
    assert res.status_code == 200, res.text
    assert res.json()["end_date"] == "2028-10-31"
    assert res.json()["version"] == 2
    assert res.headers["ETag"] == '"2"'
    events = client.get(
        "/api/audit/events", params={"contract_id": contract["id"]}, headers=pm
    ).json()["items"]
    events = [e for e in events if e["action"].startswith("contract.")]
    assert [e["action"] for e in events] == ["contract.created", "contract.updated"]
    change = events[1]
    assert change["actor"] == "priya"
    assert change["reason"] == "extension exercised"
    assert change["details"]["changes"] == {
        "end_date": {"before": "2027-10-31", "after": "2028-10-31"},
        "extension_options": {"before": [{"months": 12, "notice_days": 180}], "after": []},
    }


def test_patch_with_a_stale_version(client: TestClient, pm: dict[str, str]) -> None:
    contract = create(client, pm)
    url = f"/api/contracts/{contract['id']}"
    assert client.patch(url, json={"tier": 2}, headers=pm).status_code == 200
    stale_header = client.patch(url, json={"tier": 3}, headers={**pm, "If-Match": '"1"'})
    assert stale_header.status_code == 412
    assert stale_header.json()["error"] == "stale_version"
    stale_body = client.patch(url, json={"tier": 3, "version": 1}, headers=pm)
    assert stale_body.status_code == 409
    assert client.get(url, headers=pm).json()["tier"] == 2
    bad = client.patch(url, json={"tier": 3}, headers={**pm, "If-Match": "yesterday"})
    assert bad.status_code == 400


def test_patch_that_breaks_the_terms_changes_nothing(
    client: TestClient, pm: dict[str, str]
) -> None:
    contract = create(client, pm)
    url = f"/api/contracts/{contract['id']}"
    res = client.patch(url, json={"end_date": "2030-01-01"}, headers=pm)
    assert res.status_code == 422
    assert "max_end_date" in [p["field"] for p in res.json()["problems"]]
    after = client.get(url, headers=pm).json()
    assert after["end_date"] == "2027-10-31" and after["version"] == 1


def test_patch_without_change_keeps_the_version(client: TestClient, pm: dict[str, str]) -> None:
    contract = create(client, pm)
    url = f"/api/contracts/{contract['id']}"
    res = client.patch(url, json={"tier": 1}, headers=pm)
    assert res.status_code == 200 and res.json()["version"] == 1
    assert client.patch(url, json={"title": None}, headers=pm).status_code == 422
