"""Every API endpoint x every role and no, bad, expired and revoked token (issue 13).

MATRIX names each endpoint and who may call it: a set of roles where a dependency checks them
(403 for anyone else, before the body is read), ANY where every signed-in role may, or
IN_ENDPOINT where the rule needs the resource (a workflow's roles, the reminder's owner) and
its own tests cover it. A new endpoint without a row fails `test_every_endpoint_has_a_row`.
The web pages and forms have their rows in tests/web/test_role_matrix_web.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.auth import service as auth
from app.auth.roles import Role
from app.clock import FrozenClock
from app.config import Settings
from app.main import create_app
from app.openapi import api_routes
from tests.conftest import MakeUser

ANY = "any signed-in role"
IN_ENDPOINT = "checked by the endpoint against the resource"
EDITORS = frozenset({"programme_manager", "contract_manager", "commercial_lead"})
RESOLVERS = frozenset(
    {
        "senior_responsible_owner",
        "programme_manager",
        "contract_manager",
        "commercial_lead",
        "service_owner",
    }
)
MONEY = EDITORS | {"service_owner"}
MATRIX: dict[tuple[str, str], object] = {
    ("GET", "/api/me"): ANY,
    ("GET", "/api/me/work"): ANY,
    ("POST", "/api/contracts"): EDITORS,
    ("GET", "/api/contracts"): ANY,
    ("GET", "/api/contracts/{contract_id}"): ANY,
    ("PATCH", "/api/contracts/{contract_id}"): EDITORS,
    # Everyone reads the parties; who sees their contact points is tests/imports/test_contacts.py.
    ("GET", "/api/contracts/{contract_id}/contacts"): ANY,
    ("POST", "/api/contracts/{contract_id}/terms/confirm"): EDITORS,
    ("GET", "/api/audit/events"): ANY,
    ("GET", "/api/audit/verify"): ANY,
    ("GET", "/api/workflows"): ANY,
    ("GET", "/api/workflows/{name}"): ANY,
    ("GET", "/api/workflows/{name}/diagram"): ANY,
    ("POST", "/api/cases"): IN_ENDPOINT,
    ("GET", "/api/cases"): ANY,
    ("GET", "/api/cases/{case_id}"): ANY,
    ("GET", "/api/cases/{case_id}/transitions"): ANY,
    ("POST", "/api/cases/{case_id}/transitions"): IN_ENDPOINT,
    ("POST", "/api/cases/{case_id}/components"): IN_ENDPOINT,
    ("GET", "/api/cases/{case_id}/events"): ANY,
    ("GET", "/api/cases/{case_id}/dependencies"): ANY,
    ("PUT", "/api/cases/{case_id}/dependencies/{other_id}"): frozenset(
        {"programme_manager", "service_owner"}
    ),
    ("DELETE", "/api/cases/{case_id}/dependencies/{other_id}"): frozenset(
        {"programme_manager", "service_owner"}
    ),
    ("GET", "/api/deadlines"): ANY,
    ("GET", "/api/deadlines/{deadline_id}"): ANY,
    ("POST", "/api/deadlines/{deadline_id}/waive"): frozenset(
        {"senior_responsible_owner", "programme_manager"}
    ),
    ("POST", "/api/deadlines/{deadline_id}/met"): RESOLVERS,
    ("GET", "/api/reminders"): ANY,
    ("GET", "/api/reminders/status"): ANY,
    ("POST", "/api/reminders/{reminder_id}/requeue"): IN_ENDPOINT,
    ("GET", "/api/notifications"): ANY,
    ("POST", "/api/notifications/{notification_id}/read"): IN_ENDPOINT,
    ("POST", "/api/imports/ocds"): EDITORS,
    ("GET", "/api/components/{component_id}/money"): ANY,
    ("PATCH", "/api/components/{component_id}/money"): MONEY,
    ("GET", "/api/contracts/{contract_id}/money"): ANY,
    ("PUT", "/api/contracts/{contract_id}/money"): MONEY,
    ("GET", "/api/cases/{case_id}/handover-tasks"): ANY,
    ("PATCH", "/api/handover-tasks/{task_id}"): RESOLVERS,
    ("POST", "/api/handover-tasks/{task_id}/complete"): RESOLVERS,
    ("GET", "/api/portfolio"): ANY,
    ("GET", "/api/portfolio/cliff-edges"): ANY,
}


@pytest.fixture
def settings(db_url: str) -> Settings:
    """No brake on failed authentications: this test fails them on purpose, many times."""
    return Settings(
        database_url=db_url,
        environment="test",
        scheduler_enabled=False,
        auth_failures_per_address=1_000_000,
        auth_failures_per_token=1_000_000,
    )


def _endpoints(settings: Settings, clock: FrozenClock) -> set[tuple[str, str]]:
    app = create_app(settings, clock)
    return {
        (method, route.path_format)
        for route in api_routes(app)
        if route.path_format.startswith("/api/")
        for method in route.methods
    }


def _url(path: str) -> str:
    return path.replace("{name}", "contract_review").format(
        contract_id=1,
        case_id=1,
        deadline_id=1,
        reminder_id=1,
        notification_id=1,
        component_id=1,
        task_id=1,
        other_id=2,
    )


def test_every_endpoint_has_a_row(settings: Settings, clock: FrozenClock) -> None:
    assert _endpoints(settings, clock) == set(MATRIX)


@pytest.fixture
def credentials(
    db: sessionmaker[Session], clock: FrozenClock, make_user: MakeUser
) -> dict[str, dict[str, str] | None]:
    """Headers for no, malformed, unknown, expired and revoked tokens."""
    with db.begin() as session:
        user = auth.create_user(session=session, name="olly", roles=["admin"], now=clock.now())
        past = clock.now() - timedelta(days=1)
        expired = auth.issue_token(session=session, user=user, now=past, expires_at=past)
    revoked = make_user("rita", "admin")
    with db.begin() as session:
        auth.revoke_user_tokens(session=session, name="rita", now=clock.now())
    return {
        "none": None,
        "malformed": {"Authorization": "Basic dXNlcjpwYXNz"},
        "unknown": {"Authorization": "Bearer hov_" + "z" * 43},
        "expired": {"Authorization": f"Bearer {expired}"},
        "revoked": revoked,
    }


def test_no_bad_expired_or_revoked_token_reaches_any_endpoint(
    client: TestClient, credentials: dict[str, dict[str, str] | None]
) -> None:
    for method, path in sorted(MATRIX):
        for kind, headers in credentials.items():
            res = client.request(method, _url(path), headers=headers, json={})
            assert res.status_code == 401, (kind, method, path, res.text)
            assert res.json()["error"] in {"missing_token", "invalid_token"}


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_what_the_matrix_says(
    client: TestClient, make_user: MakeUser, role: str
) -> None:
    headers = make_user(f"user_{role}", role)
    for (method, path), allowed in sorted(MATRIX.items(), key=str):
        res = client.request(method, _url(path), headers=headers, json={})
        assert res.status_code < 500, (role, method, path, res.text)
        if isinstance(allowed, frozenset):
            may = role in allowed or role == "admin"
            assert (res.status_code == 403) is not may, (role, method, path, res.text)
        elif allowed is ANY:
            assert res.status_code in {200, 404}, (role, method, path, res.text)
