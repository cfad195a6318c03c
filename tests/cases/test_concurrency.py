"""Twenty people fire the same transition at once: exactly one wins, the chain stays whole."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from tests.cases.conftest import SUBMIT, OpenCase

THREADS = 20


def test_one_of_twenty_concurrent_transitions_wins(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    case = open_case()
    url = f"/api/cases/{case['id']}/transitions"
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        res = client.post(url, json={"trigger": "submit_for_approval", **SUBMIT}, headers=pm)
        with lock:
            statuses.append(res.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    events = client.get(f"/api/cases/{case['id']}/events", headers=pm).json()["items"]
    assert [e["action"] for e in events] == ["case.opened", "case.transitioned"]
    got = client.get(f"/api/cases/{case['id']}", headers=pm).json()
    assert (got["state"], got["version"]) == ("submitted", 2)
    assert client.get("/api/audit/verify", headers=pm).json()["ok"] is True


def test_concurrent_transitions_on_many_cases_keep_one_chain(
    client: TestClient, pm: dict[str, str], open_case: OpenCase
) -> None:
    cases = [open_case() for _ in range(8)]
    errors: list[str] = []

    def work(case_id: int) -> None:
        res = client.post(
            f"/api/cases/{case_id}/transitions",
            json={"trigger": "submit_for_approval", **SUBMIT},
            headers=pm,
        )
        if res.status_code != 200:
            errors.append(res.text)

    threads = [threading.Thread(target=work, args=(c["id"],)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    verify = client.get("/api/audit/verify", headers=pm).json()
    transitioned = client.get(
        "/api/audit/events", params={"action": "case.transitioned"}, headers=pm
    ).json()["items"]
    assert verify["ok"] is True and len(transitioned) == 8
    assert len({e["seq"] for e in transitioned}) == 8
