"""Whatever a client sends, the answer is a clear 4xx in the one error shape, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def test_malformed_json_is_400(client: TestClient, pm: dict[str, str]) -> None:
    res = client.post(
        "/api/contracts",
        content=b'{"reference": "x",',
        headers={**pm, "Content-Type": "application/json"},
    )
    assert res.status_code == 400
    assert res.json()["error"] == "malformed_json"


def test_wrong_body_type_is_422(client: TestClient, pm: dict[str, str]) -> None:
    res = client.post("/api/contracts", json=[1, 2, 3], headers=pm)
    assert res.status_code == 422


def test_oversized_body_is_413(client: TestClient, pm: dict[str, str]) -> None:
    big = {"reference": "x", "title": "y", "buyer": {"name": "z"}, "description": "a" * 2_000_000}
    res = client.post("/api/contracts", json=big, headers=pm)
    assert res.status_code == 413
    assert res.json()["error"] == "payload_too_large"


def test_oversized_streamed_body_without_length_is_413(
    client: TestClient, pm: dict[str, str]
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 65536

    res = client.post(
        "/api/contracts", content=chunks(), headers={**pm, "Content-Type": "application/json"}
    )
    assert res.status_code == 413


def test_unknown_endpoint_and_method(client: TestClient, pm: dict[str, str]) -> None:
    res = client.get("/api/nothing-here", headers=pm)
    assert res.status_code == 404
    assert res.json() == {"error": "not_found", "detail": "no such endpoint"}
    assert client.delete("/api/contracts", headers=pm).status_code == 405


def test_health(client: TestClient) -> None:
    res = client.get("/healthz")
    assert res.status_code == 200
    assert res.json() == {"status": "ok"}
    assert res.headers["x-request-id"]


def test_health_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "handover.db"
    settings = Settings(database_url=f"sqlite:///{missing}", scheduler_enabled=False)
    res = TestClient(create_app(settings)).get("/healthz")
    assert res.status_code == 503
    assert res.json() == {
        "status": "unavailable",
        "error": "database_unavailable",
        "detail": "the database cannot be reached (OperationalError)",
    }


def test_request_id_is_echoed(client: TestClient) -> None:
    res = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert res.headers["x-request-id"] == "abc-123"
