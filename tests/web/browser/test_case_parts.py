"""A component's dependencies and handover checklist in Chromium, JavaScript on and off, by axe.

Issue 14: the case page adds a dependency and completes a checklist item through plain forms.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import httpx
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from app.auth import service as auth
from app.auth.models import User
from app.config import Settings
from app.db.session import make_engine, make_sessionmaker
from tests.e2e.flow import Flow, make_flow
from tests.web.browser.conftest import Server, checked, new_page, sign_in


def _api_people(server: Server) -> tuple[Flow, httpx.Client]:
    """The API's people on the running server: a token each, the user made when missing."""
    engine = make_engine(Settings(database_url=server.url))
    tokens: dict[str, str] = {}

    def make(name: str, *roles: str, email: str | None = None) -> dict[str, str]:
        with make_sessionmaker(engine).begin() as session:
            user = session.scalar(select(User).where(User.name == name))
            now = datetime.now(UTC)
            if user is None:
                user = auth.create_user(session=session, name=name, roles=roles, now=now)
            tokens[name] = auth.issue_token(session=session, user=user, now=now)
        return {"Authorization": f"Bearer {tokens[name]}"}

    client = httpx.Client(base_url=server.base, timeout=30)
    # Flow only gets and posts, which an httpx client to the real server does the same way.
    flow = make_flow(cast(TestClient, client), make("priya"), make("sam"), make)
    engine.dispose()
    return flow, client


def _two_lines(server: Server, run: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two approved commodity lines of one review; the first's checklist opened."""
    flow, client = _api_people(server)
    with client:
        _, (first, second) = flow.approved_review(
            ["buy_commodity", "buy_commodity"], reference=f"H6-PARTS-{run}"
        )
        first = flow.fire(
            flow.commercial, first, "start_shortlisting", data={"framework": "G-Cloud 14"}
        )
    return first, second


def _submit(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).first.click()
    page.wait_for_load_state()


def test_add_a_dependency_and_complete_a_handover_task(
    browser: Browser, server: Server, javascript: bool
) -> None:
    run = "js" if javascript else "nojs"
    first, second = _two_lines(server, run)
    page, csp = new_page(browser, javascript=javascript)
    violations: dict[str, object] = {}

    def check(label: str) -> None:
        checked(page, f"{run}-{label}", javascript, violations, prefix="case-parts")

    sign_in(page, server.base, "priya")
    page.goto(f"{server.base}/cases/{first['id']}")
    assert page.get_by_role("heading", name="Depends on").is_visible()
    check("01-component")
    page.get_by_label("Add a dependency").select_option(str(second["id"]))
    _submit(page, "Add the dependency")
    assert "Dependency added." in page.content()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=second["title"]))
    assert row.count() == 1
    check("02-dependency-added")
    task = page.locator("details.govuk-details").first
    task.locator("summary").click()
    task.get_by_label("Reason (optional)").fill("Deed signed by all three parties")
    task.get_by_role("button", name="Mark as done").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert "Give a link to the evidence that this is done" in page.content()
    task = page.locator("details.govuk-details[open]")
    assert task.get_by_label("Reason (optional)").input_value().startswith("Deed signed")
    check("03-no-evidence")
    task.get_by_label("Title of the document").fill("Novation deed")
    task.get_by_label("Link to it").fill("https://docs.example.gov.uk/deed")
    task.get_by_role("button", name="Mark as done").click()
    page.wait_for_load_state()
    assert "Task marked as done." in page.content()
    assert page.get_by_role("link", name="Novation deed").is_visible()
    check("04-task-done")
    assert violations == {}
    assert csp.refused == []
    page.context.close()
