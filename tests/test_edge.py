"""Protections at the edge (issue 13, finding 6): headers, request ids, log lines."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from app.logs import TextFormatter


def test_every_api_response_carries_the_security_headers(
    client: TestClient, pm: dict[str, str]
) -> None:
    for res in (
        client.get("/api/me", headers=pm),
        client.get("/api/me"),
        client.get("/no/such/page"),
        client.get("/healthz"),
    ):
        assert res.headers["x-content-type-options"] == "nosniff"
        assert res.headers["referrer-policy"] == "same-origin"
        assert res.headers["strict-transport-security"].startswith("max-age=")
    assert client.get("/api/me", headers=pm).headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("given", "kept"),
    [("abc-123", True), ("a\r\nforged", False), ("x" * 65, False), ("a b", False)],
)
def test_a_request_id_is_echoed_only_when_plain(client: TestClient, given: str, kept: bool) -> None:
    res = client.get("/healthz", headers={"X-Request-ID": given.encode("latin-1")})
    assert (res.headers["x-request-id"] == given) is kept
    assert res.headers["x-request-id"].isalnum() or kept


def test_a_newline_in_a_path_cannot_forge_a_log_line() -> None:
    record = logging.LogRecord("handover.access", logging.INFO, __file__, 1, "%s %s", None, None)
    record.args = ("GET", "/api/x\n2026-12-03 INFO [-] handover.access: forged")
    record.request_id = "-"
    line = TextFormatter("%(levelname)s [%(request_id)s] %(name)s: %(message)s").format(record)
    assert "\n" not in line and "\\n2026-12-03" in line
