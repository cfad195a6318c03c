"""Case tests run on a small fixture workflow, independent of the shipped definitions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings

OpenCase = Callable[[], dict[str, Any]]
FIXTURES = Path(__file__).parent / "fixtures"
CONTRACT = {
    "reference": "HO-HOST-2018-11",
    "title": "Data centre hosting",
    "buyer": {"name": "Home Office"},
    "start_date": "2018-11-01",
    "end_date": "2027-10-31",
    "max_end_date": "2028-10-31",
}
EVIDENCE = [{"title": "Options paper", "url": "https://docs.example.gov.uk/options.pdf"}]


@pytest.fixture
def workflows_dir() -> Path:
    """Where the test's workflow definitions live."""
    return FIXTURES


@pytest.fixture
def settings(db_url: str, workflows_dir: Path) -> Settings:
    """Settings pointing at the fixture workflows."""
    return Settings(
        database_url=db_url,
        environment="test",
        scheduler_enabled=False,
        workflows_dir=str(workflows_dir),
    )


@pytest.fixture
def contract(client: TestClient, pm: dict[str, str]) -> dict[str, Any]:
    """A contract to open cases about."""
    res = client.post("/api/contracts", json=CONTRACT, headers=pm)
    assert res.status_code == 201, res.text
    body: dict[str, Any] = res.json()
    return body


@pytest.fixture
def open_case(client: TestClient, pm: dict[str, str], contract: dict[str, Any]) -> OpenCase:
    """Open an approval case; returns its JSON."""

    def make() -> dict[str, Any]:
        res = client.post(
            "/api/cases", json={"workflow": "approval", "contract_id": contract["id"]}, headers=pm
        )
        assert res.status_code == 201, res.text
        body: dict[str, Any] = res.json()
        return body

    return make


def fire(
    client: TestClient, headers: dict[str, str], case_id: int, trigger: str, **body: Any
) -> httpx.Response:
    """POST a transition."""
    res: httpx.Response = client.post(
        f"/api/cases/{case_id}/transitions", json={"trigger": trigger, **body}, headers=headers
    )
    return res


SUBMIT = {"data": {"decision_date": "2027-01-15"}, "evidence": EVIDENCE}
