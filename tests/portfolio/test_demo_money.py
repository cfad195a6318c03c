"""The demo portfolio carries money, so the portfolio tells a story straight away."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.audit.service import verify
from app.clock import FrozenClock
from app.config import Settings
from app.demo import load_demo
from app.workflows.registry import WorkflowRegistry


def test_the_demo_portfolio_has_spend_in_every_standing(
    db: sessionmaker[Session],
    settings: Settings,
    clock: FrozenClock,
    client: TestClient,
    tmp_path: Path,
) -> None:
    with db.begin() as session:
        loaded = load_demo(
            session=session,
            clock=clock,
            registry=WorkflowRegistry.from_directory("workflows"),
            settings=settings,
            real_data=tmp_path,
        )
    assert loaded is not None
    headers = {"Authorization": f"Bearer {loaded.users[0].split()[-1]}"}
    p = client.get("/api/portfolio", headers=headers).json()
    spend = {s["state"]: float(s["annual_spend"]) for s in p["by_state"]}
    assert all(spend[s] > 0 for s in ("outsourced", "in_transition", "moved")), spend
    assert p["headline"]["lines_without_baseline"] == 0
    assert float(p["savings"]["planned_annual"]) > 0 and p["by_supplier"]
    edges = client.get("/api/portfolio/cliff-edges", headers=headers).json()["items"]
    assert edges and {e["rating"] for e in edges} <= {"red", "amber", "green"}
    with db() as session:
        assert verify(session=session).ok
