"""The transition path over REST: status codes, reasons, four-eyes, versions, idempotency."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from tests.cases.conftest import EVIDENCE, SUBMIT, OpenCase, fire
from tests.conftest import MakeUser


def test_open_case(
    client: TestClient, pm: dict[str, str], open_case: OpenCase, contract: dict[str, Any]
) -> None:
    case = open_case()
    assert case["workflow"] == "approval"
    assert case["state"] == "draft" and case["final"] is False
    assert case["version"] == 1 and len(case["workflow_version"]) == 12
    assert case["contract_id"] == contract["id"] and case["parent_id"] is None
    res = client.get(f"/api/cases/{case['id']}", headers=pm)
    assert res.headers["ETag"] == '"1"'
    events = client.get(f"/api/cases/{case['id']}/events", headers=pm).json()["items"]
    assert [e["action"] for e in events] == ["case.opened"]


def test_open_case_errors(
    client: TestClient, pm: dict[str, str], viewer: dict[str, str], contract: dict[str, Any]
) -> None:
    res = client.post(
        "/api/cases", json={"workflow": "nope", "contract_id": contract["id"]}, headers=pm
    )
    assert res.status_code == 404 and res.json()["error"] == "unknown_workflow"
    res = client.post("/api/cases", json={"workflow": "approval", "contract_id": 999}, headers=pm)
    assert res.status_code == 422
    res = client.post(
        "/api/cases", json={"workflow": "approval", "contract_id": contract["id"]}, headers=viewer
    )
    assert res.status_code == 403


def test_available_transitions_say_why_not(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    options = client.get(f"/api/cases/{case['id']}/transitions", headers=pm).json()
    by_trigger = {o["trigger"]: o for o in options}
    assert set(by_trigger) == {"submit_for_approval", "withdraw"}
    withdraw = by_trigger["withdraw"]
    assert withdraw["allowed"] is False and withdraw["dest"] == "withdrawn"
    assert [b["code"] for b in withdraw["blocked_by"]] == ["role_required"]
    submit = by_trigger["submit_for_approval"]
    assert submit["requires_evidence"] == 1
    assert "data_required" in [b["code"] for b in submit["blocked_by"]]


def test_happy_path_with_four_eyes(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: MakeUser,
    open_case: OpenCase,
) -> None:
    case = open_case()
    res = fire(client, pm, case["id"], "submit_for_approval", reason="ready", **SUBMIT)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["case"]["state"] == "submitted" and body["case"]["version"] == 2
    assert res.headers["ETag"] == '"2"'
    event = body["event"]
    assert event["action"] == "case.transitioned" and event["trigger"] == "submit_for_approval"
    assert (event["from_state"], event["to_state"]) == ("draft", "submitted")
    assert event["evidence"] == EVIDENCE
    assert event["details"]["workflow_version"] == case["workflow_version"]
    res = fire(client, sro, case["id"], "approve", reason="value for money shown")
    assert res.status_code == 200, res.text
    assert res.json()["case"]["final"] is True
    res = fire(client, sro, case["id"], "approve", reason="again")
    assert res.status_code == 409 and res.json()["error"] == "invalid_transition"


def test_four_eyes_holds_for_someone_with_both_roles(
    client: TestClient, make_user: MakeUser, sro: dict[str, str], open_case: OpenCase
) -> None:
    both = make_user("alex", "programme_manager", "senior_responsible_owner")
    case = open_case()
    assert fire(client, both, case["id"], "submit_for_approval", **SUBMIT).status_code == 200
    res = fire(client, both, case["id"], "approve", reason="looks fine")
    assert res.status_code == 403
    assert res.json()["error"] == "four_eyes"
    assert fire(client, sro, case["id"], "approve", reason="agreed").status_code == 200


def test_wrong_role_is_403_and_changes_nothing(
    client: TestClient, viewer: dict[str, str], pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    res = fire(client, viewer, case["id"], "submit_for_approval", **SUBMIT)
    assert res.status_code == 403 and res.json()["error"] == "role_required"
    assert client.get(f"/api/cases/{case['id']}", headers=pm).json()["version"] == 1


def test_every_failed_guard_is_reported(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    res = fire(client, pm, case["id"], "submit_for_approval", data={"decision_date": "2031-01-01"})
    assert res.status_code == 422
    body = res.json()
    assert body["error"] == "transition_blocked"
    assert [p["code"] for p in body["problems"]] == ["evidence_required", "date_not_after"]
    res = fire(client, pm, case["id"], "submit_for_approval", evidence=EVIDENCE)
    assert [p["code"] for p in res.json()["problems"]] == ["data_required", "date_not_after"]


def test_missing_reason_is_422(
    client: TestClient, pm: dict[str, str], sro: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    fire(client, pm, case["id"], "submit_for_approval", **SUBMIT)
    res = fire(client, sro, case["id"], "approve", reason="   ")
    assert res.status_code == 422
    assert [p["code"] for p in res.json()["problems"]] == ["reason_required"]


def test_stale_versions(
    client: TestClient, pm: dict[str, str], sro: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    res = fire(client, pm, case["id"], "submit_for_approval", expected_version=2, **SUBMIT)
    assert res.status_code == 409 and res.json()["error"] == "stale_version"
    res = client.post(
        f"/api/cases/{case['id']}/transitions",
        json={"trigger": "submit_for_approval", **SUBMIT},
        headers={**pm, "If-Match": '"7"'},
    )
    assert res.status_code == 412
    res = client.post(
        f"/api/cases/{case['id']}/transitions",
        json={"trigger": "submit_for_approval", **SUBMIT},
        headers={**pm, "If-Match": '"1"'},
    )
    assert res.status_code == 200


def test_unknown_trigger_and_bad_bodies(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    res = fire(client, pm, case["id"], "explode")
    assert res.status_code == 409 and res.json()["error"] == "invalid_transition"
    assert fire(client, pm, 424242, "submit_for_approval").status_code == 404
    res = fire(client, pm, case["id"], "submit_for_approval", evidence=[{"title": "x"}])
    assert res.status_code == 422 and res.json()["problems"][0]["field"] == "evidence.0.url"
    res = fire(client, pm, case["id"], "submit_for_approval", data="not an object")
    assert res.status_code == 422
    res = fire(client, pm, case["id"], "submit_for_approval", colour="red")
    assert res.status_code == 422


def test_idempotency_key_replays_and_refuses_other_bodies(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    headers = {**pm, "Idempotency-Key": "submit-1"}
    url = f"/api/cases/{case['id']}/transitions"
    body = {"trigger": "submit_for_approval", **SUBMIT}
    first = client.post(url, json=body, headers=headers)
    again = client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    events = client.get(f"/api/cases/{case['id']}/events", headers=pm).json()["items"]
    assert [e["action"] for e in events] == ["case.opened", "case.transitioned"]
    other = client.post(url, json={**body, "reason": "different"}, headers=headers)
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"


def test_an_opened_case_replays_with_its_location(
    client: TestClient, pm: dict[str, str], contract: dict[str, Any]
) -> None:
    headers = {**pm, "Idempotency-Key": "open-1"}
    body = {"workflow": "approval", "contract_id": contract["id"]}
    first = client.post("/api/cases", json=body, headers=headers)
    again = client.post("/api/cases", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert (
        again.headers["Location"] == first.headers["Location"] == f"/api/cases/{first.json()['id']}"
    )
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(client.get("/api/cases", headers=pm).json()["items"]) == 1


def test_list_and_filter_cases(
    client: TestClient, pm: dict[str, str], open_case: OpenCase, contract: dict[str, Any]
) -> None:
    first, second = open_case(), open_case()
    fire(client, pm, first["id"], "submit_for_approval", **SUBMIT)
    listed = client.get("/api/cases", params={"state": "submitted"}, headers=pm).json()
    assert [c["id"] for c in listed["items"]] == [first["id"]]
    page = client.get(
        "/api/cases", params={"limit": 1, "contract_id": contract["id"]}, headers=pm
    ).json()
    assert [c["id"] for c in page["items"]] == [first["id"]] and page["next"]
    rest = client.get("/api/cases", params={"cursor": page["next"]}, headers=pm).json()
    assert [c["id"] for c in rest["items"]] == [second["id"]]


def test_contract_lists_its_cases(
    client: TestClient, pm: dict[str, str], open_case: OpenCase, contract: dict[str, Any]
) -> None:
    case = open_case()
    got = client.get(f"/api/contracts/{contract['id']}", headers=pm).json()
    assert [c["id"] for c in got["cases"]] == [case["id"]]


def test_a_transition_queues_its_webhook_in_the_same_transaction(
    client: TestClient,
    pm: dict[str, str],
    open_case: OpenCase,
    db: sessionmaker[Session],
    settings: Settings,
) -> None:
    from sqlalchemy import select

    from app.outbox.models import OutboxMessage

    settings.webhook_url = "http://127.0.0.1:9/hook"
    case = open_case()
    assert fire(client, pm, case["id"], "submit_for_approval", **SUBMIT).status_code == 200
    assert fire(client, pm, case["id"], "withdraw", reason="x").status_code == 403
    with db() as session:
        messages = session.scalars(select(OutboxMessage)).all()
    assert [(m.topic, m.payload["trigger"], m.status) for m in messages] == [
        ("case.transitioned", "submit_for_approval", "pending")
    ]
    assert messages[0].recipient == "http://127.0.0.1:9/hook"


def test_only_the_data_a_transition_checks_enters_the_case(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    res = fire(
        client,
        pm,
        case["id"],
        "submit_for_approval",
        data={"decision_date": "2027-01-15", "route": "decommission", "stage": "approved"},
        evidence=SUBMIT["evidence"],
    )
    assert res.status_code == 200
    body = res.json()
    assert body["case"]["data"] == {"decision_date": "2027-01-15"}
    assert body["case"]["route"] is None
    # The audit event keeps everything that was sent.
    assert body["event"]["details"]["data"]["route"] == "decommission"


def test_components_are_added_only_while_the_contract_is_reviewed(
    client: TestClient, pm: dict[str, str], contract: dict[str, Any]
) -> None:
    """Decomposition after approval would add work nobody approved."""
    res = client.post(
        "/api/cases", json={"workflow": "approval", "contract_id": contract["id"]}, headers=pm
    )
    other = res.json()
    res = client.post(f"/api/cases/{other['id']}/components", json={"name": "X"}, headers=pm)
    assert res.status_code == 409 and res.json()["error"] == "invalid_transition"
