"""A review takes components only while the contract is under review."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_components_only_during_review(client: TestClient, pm: dict[str, str]) -> None:
    contract = client.post(
        "/api/contracts",
        json={"reference": "R-1", "title": "Hosting", "buyer": {"name": "Home Office"}, "tier": 2},
        headers=pm,
    ).json()
    review = client.post(
        "/api/cases",
        json={"workflow": "contract_review", "contract_id": contract["id"]},
        headers=pm,
    ).json()
    url = f"/api/cases/{review['id']}"
    early = client.post(f"{url}/components", json={"name": "Hosting"}, headers=pm)
    assert early.status_code == 409
    assert "under_review" in early.json()["detail"]
    for trigger in ("triage", "start_review"):
        res = client.post(f"{url}/transitions", json={"trigger": trigger}, headers=pm)
        assert res.status_code == 200, res.text
    made = client.post(
        f"{url}/components", json={"name": "Hosting", "route": "reprocure"}, headers=pm
    )
    assert made.status_code == 201
    child = made.json()
    assert (child["workflow"], child["parent_id"], child["state"]) == (
        "service_component",
        review["id"],
        "identified",
    )
    again = client.post(f"{url}/components", json={"name": "Hosting"}, headers=pm)
    assert again.status_code == 409 and again.json()["error"] == "duplicate"
    bad = client.post(f"{url}/components", json={"name": "X", "route": "teleport"}, headers=pm)
    assert bad.status_code == 422
