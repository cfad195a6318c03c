"""The OpenAPI document describes what the service answers (issue 13, finding 7)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def _doc(client: TestClient) -> dict[str, Any]:
    doc: dict[str, Any] = client.get("/openapi.json").json()
    return doc


def test_every_error_is_documented_in_the_one_error_shape(client: TestClient) -> None:
    doc = _doc(client)
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "detail"]
    patch = doc["paths"]["/api/contracts/{contract_id}"]["patch"]["responses"]
    for status in ("400", "401", "403", "404", "409", "412", "413", "415", "422", "429", "503"):
        body = patch[status]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Error"}, status
    get = doc["paths"]["/api/contracts"]["get"]["responses"]
    assert "403" not in get and "404" not in get  # no role check, no id


def test_a_bearer_scheme_is_declared_for_every_api_operation(client: TestClient) -> None:
    doc = _doc(client)
    assert doc["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    for path, item in doc["paths"].items():
        for op in item.values():
            assert bool(op.get("security")) == path.startswith("/api/"), path


def test_the_csv_export_is_documented(client: TestClient) -> None:
    ok = _doc(client)["paths"]["/api/audit/events"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in ok and "application/json" in ok


@pytest.mark.parametrize(
    ("path", "allow"),
    [("/api/contracts", "GET, POST"), ("/api/contracts/1", "GET, PATCH"), ("/healthz", "GET")],
)
def test_a_405_allows_every_method_of_the_path(client: TestClient, path: str, allow: str) -> None:
    res = client.options(path)
    assert res.status_code == 405
    assert res.headers["allow"] == allow
    assert res.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize(
    "change",
    [
        {"notice_period_days": False},
        {"notice_in_working_days": 1},
        {"break_clauses": [{"date": "2027-01-01", "notice_days": False}]},
        {"tier": True},
        {"tier": "1"},
    ],
)
def test_booleans_and_integers_are_not_interchangeable(
    client: TestClient, pm: dict[str, str], change: dict[str, object]
) -> None:
    body = {"reference": "R-1", "title": "T", "buyer": {"name": "B"}, **change}
    res = client.post("/api/contracts", json=body, headers=pm)
    assert res.status_code == 422, res.text
    assert res.json()["error"] == "validation_error"
