"""The home page's "my deadlines": only those Handover reminds the signed-in person of."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.deadlines.models import Deadline
from tests.conftest import START
from tests.web.conftest import register, sign_in


def _deadline(db: sessionmaker[Session], contract_id: int, kind: str, days: int) -> None:
    with db.begin() as s:
        s.add(
            Deadline(
                scope=f"contract:{contract_id}",
                key=f"test:{kind}",
                kind=kind,
                date=START.date() + timedelta(days=days),
                contract_id=contract_id,
                status="pending",
                created_at=START,
                updated_at=START,
            )
        )


def test_a_commercial_leads_notice_is_not_on_a_pms_home_but_is_on_theirs(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    web_user("priya", "programme_manager")
    web_user("cleo", "commercial_lead")
    contract_id = register(sign_in(client, "priya"))
    with db.begin() as s:  # the derived deadlines out of the window
        s.execute(update(Deadline).values(date=START.date() + timedelta(days=400)))
    _deadline(db, contract_id, "contract_details_notice", 20)  # commercial leads, CMs
    _deadline(db, contract_id, "assessment_booking", 10)  # service owners, PMs
    home = client.get("/").text
    assert "Assessment booking" in home and "Contract details notice" not in home
    assert "1 deadline due in the next 14 days" in home
    client.cookies.clear()
    home = sign_in(client, "cleo").get("/").text
    assert "Contract details notice" in home and "Assessment booking" not in home
    assert "due in the next 14 days" not in home
