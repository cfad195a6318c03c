"""A database that cannot be reached is a 503 with Retry-After; a 500 keeps the connection."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.server import serve


def _unreachable(kind: str, tmp_path: Path) -> str:
    if kind == "postgresql":  # nothing listens on port 1
        return "postgresql+psycopg://postgres@127.0.0.1:1/handover?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'no-such-dir' / 'handover.db'}"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_unreachable_database_is_503_with_retry_after(kind: str, tmp_path: Path) -> None:
    settings = Settings(database_url=_unreachable(kind, tmp_path), scheduler_enabled=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        token = {"Authorization": "Bearer hov_" + "x" * 40}
        res = client.get("/api/contracts", headers=token)
        health = client.get("/healthz")
        spec = client.get("/openapi.json").json()
    assert res.status_code == 503, res.text
    assert res.json()["error"] == "database_unavailable"
    assert res.headers["retry-after"].isdigit()
    assert health.status_code == 503
    assert health.json()["error"] == "database_unavailable"
    assert "cannot be reached" in health.json()["detail"]
    assert health.headers["retry-after"].isdigit()
    documented = spec["paths"]["/api/contracts"]["get"]["responses"]["503"]
    assert "Retry-After" in documented["headers"]
    assert "503" in spec["paths"]["/healthz"]["get"]["responses"]


def test_a_500_keeps_the_keep_alive_connection(db_url: str) -> None:
    env = {"HANDOVER_DATABASE_URL": db_url, "HANDOVER_ENVIRONMENT": "test"}
    with serve(env, target="tests.faulty_app:app") as base:
        url = urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
        try:
            conn.request("GET", "/test/boom")
            first = conn.getresponse()
            body = json.loads(first.read())
            # The same connection answers again: the server did not drop it after the 500.
            conn.request("GET", "/healthz")
            second = conn.getresponse()
            second.read()
        finally:
            conn.close()
    assert first.status == 500
    assert body == {
        "error": "internal_error",
        "detail": "an unexpected error occurred; it has been logged",
    }
    assert first.getheader("connection") != "close"
    assert second.status == 200
