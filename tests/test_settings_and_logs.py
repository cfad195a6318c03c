"""Settings refuse a placeholder secret in production; JSON logs carry the request id."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.logs import configure_logging


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="HANDOVER_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError):
        Settings(environment="production", secret_key="short")
    assert Settings(environment="production", secret_key="x" * 40).secret_key == "x" * 40
    assert Settings(environment="development").secret_key  # fine for a laptop


def test_json_logs_carry_the_request_id(
    client: TestClient, capfd: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "INFO")
    try:
        client.get("/healthz", headers={"X-Request-ID": "req-42"})
    finally:
        configure_logging("text", "INFO")
    lines = [
        json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")
    ]
    access = [line for line in lines if line["logger"] == "handover.access"]
    assert access and access[-1]["request_id"] == "req-42"
    assert access[-1]["status"] == 200 and access[-1]["path"] == "/healthz"
    logging.getLogger().handlers.clear()
