"""Random trigger sequences by random people never break the engine's invariants."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cases.conftest import EVIDENCE, OpenCase
from tests.conftest import MakeUser

TRIGGERS = ["submit_for_approval", "approve", "send_back", "withdraw", "bogus"]
STATES = {"draft", "submitted", "approved", "withdrawn"}

step = st.tuples(
    st.sampled_from(["priya", "sam", "alex", "vic"]),
    st.sampled_from(TRIGGERS),
    st.booleans(),  # send data and evidence
    st.sampled_from([None, "", "because"]),
)


@pytest.fixture
def people(
    make_user: MakeUser, pm: dict[str, str], sro: dict[str, str], viewer: dict[str, str]
) -> dict[str, dict[str, str]]:
    return {
        "priya": pm,
        "sam": sro,
        "vic": viewer,
        "alex": make_user("alex", "programme_manager", "senior_responsible_owner"),
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_invariants_hold_for_any_sequence(
    client: TestClient,
    people: dict[str, dict[str, str]],
    open_case: OpenCase,
    steps: list[tuple[str, str, bool, str | None]],
) -> None:
    case = open_case()
    url = f"/api/cases/{case['id']}"
    accepted = 0
    for actor, trigger, with_input, reason in steps:
        before = client.get(url, headers=people["priya"]).json()
        body: dict[str, object] = {"trigger": trigger, "reason": reason}
        if with_input:
            body |= {"data": {"decision_date": "2027-01-15"}, "evidence": EVIDENCE}
        res = client.post(f"{url}/transitions", json=body, headers=people[actor])
        assert res.status_code in {200, 403, 409, 422}, res.text
        after = client.get(url, headers=people["priya"]).json()
        assert after["state"] in STATES
        if res.status_code == 200:
            accepted += 1
            assert after["version"] == before["version"] + 1
            assert res.json()["event"]["actor"] == actor
        else:
            assert (after["state"], after["version"]) == (before["state"], before["version"])

    events = client.get(f"{url}/events", headers=people["priya"]).json()["items"]
    transitions = [e for e in events if e["action"] == "case.transitioned"]
    assert len(transitions) == accepted
    proposer = None
    for event in transitions:
        if event["trigger"] == "submit_for_approval":
            proposer = event["actor"]
        if event["trigger"] == "approve":
            assert event["actor"] != proposer
    assert client.get("/api/audit/verify", headers=people["priya"]).json()["ok"] is True
