"""Notifications, audit, the case diagram and /docs in Chromium, with JavaScript on and off."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Browser
from sqlalchemy import select, update

from app.auth.models import User
from app.config import Settings
from app.db.session import make_engine, make_sessionmaker
from app.deadlines.models import InAppNotification, Reminder
from tests.web.browser.conftest import Server, new_page, screenshot
from tests.web.browser.test_journey import Visit, _register


def _seed(server: Server, run: str) -> int:
    """A notice for priya and a failed delivery: no page makes either (the scheduler does)."""
    engine = make_engine(Settings(database_url=server.url))
    with make_sessionmaker(engine).begin() as s:
        priya = s.scalar(select(User.id).where(User.name == "priya"))
        now = datetime.now(UTC)
        s.add(
            InAppNotification(user_id=priya, subject=f"Notice due {run}", body="b", created_at=now)
        )
        reminder_id = s.scalar(
            select(Reminder.id).where(Reminder.status == "pending").order_by(Reminder.id.desc())
        )
        s.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(status="failed", attempts=5, last_error="550 mailbox unavailable")
        )
    engine.dispose()
    assert reminder_id is not None
    return reminder_id


def test_notifications_audit_and_diagram_pages(
    browser: Browser, server: Server, javascript: bool
) -> None:
    run = f"work-{'js' if javascript else 'nojs'}"
    visit = Visit(browser, server, "priya", run, js=javascript)
    page = visit.page
    assert page.get_by_role("heading", name="Approvals waiting for you").is_visible()
    case_path = _register(visit, f"PB-{run}")
    visit.open_link("Diagram")
    assert page.title().startswith("Diagram: ")
    assert page.locator('[aria-current="step"]').count() == 1
    region = page.get_by_role("region", name="Workflow diagram", exact=False)
    assert region.get_attribute("tabindex") == "0" and region.locator("svg").count() == 1
    visit.check("diagram")
    reminder_id = _seed(server, run)
    page.get_by_role("link", name="Notifications", exact=True).click()
    page.wait_for_load_state()
    assert page.title().startswith("Notifications and reminders")
    assert page.get_by_role("heading", name="Failed reminders").is_visible()
    visit.check("notifications")
    page.get_by_role("button", name=f"Notice due {run}", exact=False).click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name=f"Notice due {run}", exact=False).count() == 0
    page.get_by_role("button", name=f"Requeue reminder {reminder_id}", exact=True).click()
    page.wait_for_load_state()
    assert f"/reminders/{reminder_id}/requeue" not in page.content()
    visit.check("requeued")
    page.get_by_role("link", name="Audit", exact=True).click()
    page.wait_for_load_state()
    page.get_by_label("Case number").fill(case_path.rsplit("/", 1)[1])
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert "case_id=" in page.url and "Case opened" in page.content()
    visit.check("audit-search")
    page.get_by_label("From").fill("not a date")  # JS off: a text box; JS on: may refuse it
    page.get_by_label("Case number").fill("twelve")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: Audit")
    visit.check("audit-errors")
    page.get_by_role("button", name="Verify the audit chain").click()
    page.wait_for_load_state()
    assert "The audit chain is intact." in page.content()
    visit.check("audit-verified")
    visit.done()


def test_docs_work_offline_with_authorize(
    browser: Browser, server: Server, javascript: bool
) -> None:
    page, csp = new_page(browser, javascript=javascript)
    outside: list[str] = []
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(server.base) else None
    )
    page.goto(f"{server.base}/docs")
    if javascript:
        page.locator(".swagger-ui .btn.authorize").first.click()
        page.locator("#auth-bearer-value").fill("hov_example")
        page.get_by_role("button", name="Apply credentials").click()
        page.get_by_role("button", name="Remove authorization").wait_for()  # the token is taken
        page.locator(".modal-ux button.btn-done").click()
        # Operations that need the token now show their lock closed.
        page.get_by_role("button", name="authorization button locked").first.wait_for()
    else:
        assert "Handover API documentation" in page.content()
    screenshot(page, f"docs-{'js' if javascript else 'nojs'}")
    assert outside == [] and csp.refused == []
    page.context.close()
