"""POST /api/cases opens top-level cases only, and one open review per contract."""

from __future__ import annotations

import pytest

from tests.e2e.flow import CONTRACT


@pytest.fixture
def contract(client, pm):
    res = client.post("/api/contracts", json=CONTRACT, headers=pm)
    assert res.status_code == 201, res.text
    return res.json()


@pytest.mark.parametrize(
    ("workflow", "hint"),
    [("service_component", "/components"), ("contract_exit", "opened by its contract_review")],
)
def test_child_workflows_need_their_parent(client, pm, contract, workflow, hint) -> None:
    res = client.post(
        "/api/cases", json={"workflow": workflow, "contract_id": contract["id"]}, headers=pm
    )
    assert res.status_code == 422, res.text
    body = res.json()
    assert body["error"] == "parent_required" and hint in body["detail"]
    listed = client.get("/api/cases", params={"workflow": workflow}, headers=pm).json()
    assert listed["items"] == []


def test_one_open_review_per_contract(client, pm, sro, contract) -> None:
    def open_review():
        return client.post(
            "/api/cases",
            json={"workflow": "contract_review", "contract_id": contract["id"]},
            headers=pm,
        )

    first = open_review()
    assert first.status_code == 201
    again = open_review()
    assert again.status_code == 409 and again.json()["error"] == "duplicate"
    assert f"#{first.json()['id']}" in again.json()["detail"]
    withdrawn = client.post(
        f"/api/cases/{first.json()['id']}/transitions",
        json={"trigger": "withdraw", "reason": "opened twice by mistake"},
        headers=sro,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert open_review().status_code == 201
